<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_ES">
<context>
    <name>Accessibility</name>
    <message>
        <location filename="../../kiosk/ui/accessibility.py" line="+57"/>
        <source>Speech off.</source>
        <translation>Voz desactivada.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Speech on. Press Tab to move, Enter to choose, F1 to turn speech off.</source>
        <translation>Voz activada. Pulse Tab para moverse, Intro para elegir y F1 para desactivar la voz.</translation>
    </message>
</context>
<context>
    <name>ConcertsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/concerts.py" line="+96"/>
        <source>Choose a concert</source>
        <translation>Elija un concierto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tap a concert to choose your places.</source>
        <translation>Toque un concierto para elegir sus localidades.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to the start</source>
        <translation>Volver al inicio</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No concerts are on sale right now. Please ask at the box office.</source>
        <translation>Ahora mismo no hay conciertos a la venta. Pregunte en la taquilla, por favor.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} left</source>
        <translation>quedan {count}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sold out</source>
        <translation>Agotado</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="+48"/>
        <source>Thank you!</source>
        <translation>¡Gracias!</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Please take your tickets from the printer below the screen.</source>
        <translation>Recoja sus entradas de la impresora, debajo de la pantalla.</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Your order code</source>
        <translation>Su código de pedido</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish</source>
        <translation>Terminar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Finish and start over</source>
        <translation>Terminar y volver a empezar</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Your tickets were saved as PDF files in {folder}</source>
        <translation>Sus entradas se guardaron como archivos PDF en {folder}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your order code: {code}</source>
        <translation>Su código de pedido: {code}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>We also sent your tickets to {email}.</source>
        <translation>También hemos enviado sus entradas a {email}.</translation>
    </message>
</context>
<context>
    <name>Door</name>
    <message>
        <location filename="../../kiosk/viewmodels/door_words.py" line="+31"/>
        <source>ADMIT</source>
        <translation>ADMITIR</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ALREADY USED</source>
        <translation>YA USADA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NOT VALID</source>
        <translation>NO VÁLIDA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WRONG CONCERT</source>
        <translation>CONCIERTO EQUIVOCADO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>VOID</source>
        <translation>ANULADA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>TOO EARLY</source>
        <translation>DEMASIADO PRONTO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EXIT OK</source>
        <translation>SALIDA CORRECTA</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NOT INSIDE</source>
        <translation>NO ESTÁ DENTRO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CHECK BY HAND</source>
        <translation>REVISAR A MANO</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Let the guest in.</source>
        <translation>Deje pasar al asistente.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admitted {when} at {gate}. Do not admit again.</source>
        <translation>Entró {when} por {gate}. No dejar entrar de nuevo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a ticket code, or it is damaged. Do not admit; scan the ticket&apos;s QR code.</source>
        <translation>Esto no es un código de entrada, o está dañado. No dejar entrar; escanee el código QR de la entrada.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This ticket is in a format this door does not know. Do not admit; update the door or check the order at the box office.</source>
        <translation>Esta entrada tiene un formato que este acceso no conoce. No dejar entrar; actualice el acceso o compruebe el pedido en taquilla.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This ticket was not issued by this box office, or it was altered. Do not admit; send the guest to the box office.</source>
        <translation>Esta entrada no la emitió esta taquilla, o ha sido alterada. No dejar entrar; envíe al cliente a taquilla.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This door has no ticket list for this concert, so it cannot check tickets offline. Do not admit; call a manager.</source>
        <translation>Este acceso no tiene la lista de entradas de este concierto y no puede comprobarlas sin conexión. No dejar entrar; llame a un responsable.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This door&apos;s offline list is too old to check tickets by. Connect the door to the network, or check tickets by hand.</source>
        <translation>La lista sin conexión de este acceso es demasiado antigua para comprobar entradas. Conecte el acceso a la red o compruebe las entradas a mano.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This is a DEMO ticket from a test system, sold for no money; it is not valid for entry here. Do not admit; send the guest to the box office.</source>
        <translation>Es una entrada DEMO de un sistema de prueba, vendida sin pago; no es válida aquí. No dejar entrar; envíe al cliente a taquilla.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This ticket is for {concert}. Send the guest to the box office.</source>
        <translation>Esta entrada es para {concert}. Envíe al cliente a taquilla.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This ticket was refunded or cancelled. Do not admit.</source>
        <translation>Esta entrada fue reembolsada o cancelada. No dejar entrar.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entry opens {when}. Ask the guest to wait.</source>
        <translation>La entrada abre {when}. Pida al cliente que espere.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The guest may come back in with this ticket.</source>
        <translation>El cliente puede volver a entrar con esta entrada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This ticket has not been admitted; nothing to do.</source>
        <translation>Esta entrada no ha entrado; no hay nada que hacer.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undone: {place} may be scanned again.</source>
        <translation>Deshecho: {place} puede escanearse de nuevo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undone in the journal, but {place} was admitted again since (another gate or a re-entry): it stays inside.</source>
        <translation>Deshecho en el registro, pero {place} volvió a entrar después (otro acceso o un reingreso): sigue dentro.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>at {time}</source>
        <translation>a las {time}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on {date} at {time}</source>
        <translation>el {date} a las {time}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>earlier</source>
        <translation>antes</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another gate</source>
        <translation>otro acceso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another concert</source>
        <translation>otro concierto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{title} ({when})</source>
        <translation>{title} ({when})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{date}, doors {time}</source>
        <translation>{date}, apertura {time}</translation>
    </message>
    <message>
        <location filename="../../kiosk/viewmodels/door.py" line="+38"/>
        <source>SCAN AGAIN</source>
        <translation>ESCANEE DE NUEVO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STOP</source>
        <translation>ALTO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CHOOSE CONCERT</source>
        <translation>ELIJA CONCIERTO</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose tonight&apos;s concert before scanning tickets.</source>
        <translation>Elija el concierto de esta noche antes de escanear entradas.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a ticket code (far too long). Do not admit; scan the ticket&apos;s QR code.</source>
        <translation>Esto no es un código de entrada (demasiado largo). No deje pasar; escanee el código QR de la entrada.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something went wrong while checking this ticket. Scan it again; if it happens again, call a manager.</source>
        <translation>Algo ha fallado al comprobar esta entrada. Escanéela de nuevo; si vuelve a pasar, llame a un responsable.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Undo needs the database, which does not answer right now. Try again in a moment.</source>
        <translation>Para deshacer hace falta la base de datos, que ahora no responde. Inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <location filename="../../kiosk/viewmodels/door_status.py" line="+14"/>
        <source>Offline list from {time} ({age} old)</source>
        <translation>Lista sin conexión de las {time} (hace {age})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline list too old ({age}): check tickets by hand</source>
        <translation>Lista sin conexión demasiado antigua ({age}): revise las entradas a mano</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No offline list for this concert: tickets cannot be checked; call a manager</source>
        <translation>No hay lista sin conexión para este concierto: no se pueden comprobar las entradas; llame a un responsable</translation>
    </message>
</context>
<context>
    <name>DoorApp</name>
    <message>
        <location filename="../../kiosk/door_app.py" line="+58"/>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Temporarily out of service: the database cannot be reached.</source>
        <translation>Temporalmente fuera de servicio: no se puede acceder a la base de datos.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This door station is waiting for a manager&apos;s approval.

Key fingerprint:
{fp}</source>
        <translation>Este acceso espera la aprobación de un responsable.

Huella de la clave:
{fp}</translation>
    </message>
</context>
<context>
    <name>DoorScreen</name>
    <message>
        <location filename="../../kiosk/ui/door_screen.py" line="+135"/>
        <location line="+2"/>
        <location line="+133"/>
        <source>Tonight&apos;s concert</source>
        <translation>Concierto de esta noche</translation>
    </message>
    <message>
        <location line="-130"/>
        <source>Choose the concert this door checks tickets for</source>
        <translation>Elija el concierto cuyas entradas controla esta puerta</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connection</source>
        <translation>Conexión</translation>
    </message>
    <message>
        <location line="+148"/>
        <source>Admitted tonight</source>
        <translation>Admitidos esta noche</translation>
    </message>
    <message>
        <location line="-143"/>
        <source>Offline list</source>
        <translation>Lista sin conexión</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Verdict</source>
        <translation>Resultado</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+2"/>
        <source>Recent scans</source>
        <translation>Últimos escaneos</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Undo last admit</source>
        <translation>Deshacer la última admisión</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take back this door&apos;s last admit (within 5 minutes)</source>
        <translation>Deshacer la última admisión de esta puerta (en 5 minutos como máximo)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Yes, undo</source>
        <translation>Sí, deshacer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep the admit</source>
        <translation>Mantener el acceso</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Undo the admit of {place}? The ticket can then be scanned again.</source>
        <translation>¿Deshacer el acceso de {place}? La entrada podrá escanearse de nuevo.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the last ticket</source>
        <translation>la última entrada</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No concert chosen</source>
        <translation>Ningún concierto elegido</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next concert night: {date}</source>
        <translation>Próxima noche de concierto: {date}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>● Online</source>
        <translation>● En línea</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>● OFFLINE · %n scans to sync</source>
        <translation>
            <numerusform>● SIN CONEXIÓN · %n escaneo por sincronizar</numerusform>
            <numerusform>● SIN CONEXIÓN · %n escaneos por sincronizar</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>● OFFLINE</source>
        <translation>● SIN CONEXIÓN</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Admitted tonight: {count}</source>
        <translation>Admitidos esta noche: {count}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Admitted for {date}</source>
        <translation>Admitidos para el {date}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admitted for {date}: {count}</source>
        <translation>Admitidos para el {date}: {count}</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n more scans waiting…</source>
        <translation>
            <numerusform>%n escaneo más en espera…</numerusform>
            <numerusform>%n escaneos más en espera…</numerusform>
        </translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Choose tonight&apos;s concert</source>
        <translation>Elija el concierto de esta noche</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the concert</source>
        <translation>Elija el concierto</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose concert</source>
        <translation>Elegir concierto</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose the concert at the top.</source>
        <translation>Elija arriba el concierto.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose tonight&apos;s concert at the top.</source>
        <translation>Elija arriba el concierto de esta noche.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No concert to check in. Call a manager.</source>
        <translation>No hay ningún concierto para el control de acceso. Llame a un responsable.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ready</source>
        <translation>Listo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan a ticket</source>
        <translation>Escanee una entrada</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>Offline — not checked</source>
        <translation>Sin conexión: no comprobada</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checked offline by signature</source>
        <translation>Comprobada sin conexión por su firma</translation>
    </message>
</context>
<context>
    <name>EmailScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/email.py" line="+57"/>
        <source>E-mail for your tickets (optional)</source>
        <translation>Correo electrónico para sus entradas (opcional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>name@example.com</source>
        <translation>nombre@ejemplo.com</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address for the tickets, optional</source>
        <translation>Dirección de correo para las entradas, opcional</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to your places, without changing the address</source>
        <translation>Volver a sus plazas sin cambiar la dirección</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done</source>
        <translation>Listo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Done: use this address</source>
        <translation>Listo: usar esta dirección</translation>
    </message>
</context>
<context>
    <name>EnrolmentScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/enrolment.py" line="+40"/>
        <source>Waiting for a manager to approve this kiosk</source>
        <translation>Esperando a que un responsable apruebe este quiosco</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In Encore Admin, open Devices and compare this fingerprint before approving.</source>
        <translation>En Encore Admin, abra Dispositivos y compare esta huella antes de aprobarlo.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device</source>
        <translation>Dispositivo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key fingerprint</source>
        <translation>Huella de la clave</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Status: waiting for approval</source>
        <translation>Estado: esperando aprobación</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status: approved, starting…</source>
        <translation>Estado: aprobado, iniciando…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status: revoked. This kiosk may not sell; please call a manager.</source>
        <translation>Estado: revocado. Este quiosco no puede vender; llame a un responsable.</translation>
    </message>
</context>
<context>
    <name>FlowSpeech</name>
    <message>
        <location filename="../../kiosk/viewmodels/flow_speech.py" line="+10"/>
        <source>Welcome to {venue}. To buy tickets, press Enter on Buy tickets. Press Tab to move between controls.</source>
        <translation>Bienvenido a {venue}. Para comprar entradas, pulse Intro en «Comprar entradas». Pulse Tab para moverse entre los controles.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Concerts on sale: {count}. Press Tab to hear each concert, Enter to choose it, Escape to go back.</source>
        <translation>Conciertos a la venta: {count}. Pulse Tab para oír cada concierto, Intro para elegirlo y Escape para volver.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Seat map for {concert}. Use the arrow keys to walk from seat to seat; each seat is read out. Press Space to choose a seat, then Tab to Continue. Or choose Best available.</source>
        <translation>Plano de asientos de {concert}. Use las flechas para ir de asiento en asiento; cada asiento se lee en voz alta. Pulse Espacio para elegir un asiento y luego Tab hasta «Continuar». O elija los mejores disponibles.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your places are held: {places}. Total {total}. They are held for {time}. Press Tab to reach Pay, More time or Cancel.</source>
        <translation>Sus localidades están reservadas: {places}. Total {total}. Se reservan durante {time}. Pulse Tab para llegar a Pagar, Más tiempo o Cancelar.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>E-mail for your tickets. Type the address, then press Enter. Your places are held for {time}.</source>
        <translation>Correo electrónico para sus entradas. Escriba la dirección y pulse Intro. Sus plazas están reservadas durante {time}.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Payment: {total}. Please ask a member of staff to take your payment and enter their PIN.</source>
        <translation>Pago: {total}. Pida a un empleado que cobre y que introduzca su PIN.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Payment: {total}. This is a demo: choose approve or decline.</source>
        <translation>Pago: {total}. Esto es una demostración: elija aprobar o rechazar.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thank you. Your tickets are printing. Please wait.</source>
        <translation>Gracias. Sus entradas se están imprimiendo. Espere, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The printer has a problem. Your order is safe; its code is {code}. Press Print again, or call staff.</source>
        <translation>La impresora tiene un problema. Su pedido está a salvo; su código es {code}. Pulse Imprimir de nuevo o llame al personal.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Done. Please take your tickets from the printer. Order {code}. Press Enter to finish.</source>
        <translation>Listo. Recoja sus entradas de la impresora. Pedido {code}. Pulse Intro para terminar.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This kiosk is waiting for approval by a manager.</source>
        <translation>Este quiosco espera la aprobación de un responsable.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temporarily out of service. Please try again shortly.</source>
        <translation>Fuera de servicio temporalmente. Inténtelo de nuevo en breve.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting.</source>
        <translation>Iniciando.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your time is nearly up: {time} left. Press Tab to reach More time.</source>
        <translation>Su tiempo casi se ha agotado: quedan {time}. Pulse Tab para llegar a Más tiempo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Are you still there? Press any key to continue. Starting over in {seconds} seconds.</source>
        <translation>¿Sigue ahí? Pulse cualquier tecla para continuar. Se volverá a empezar en {seconds} segundos.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{minutes} minutes {seconds} seconds</source>
        <translation>{minutes} minutos {seconds} segundos</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{seconds} seconds</source>
        <translation>{seconds} segundos</translation>
    </message>
</context>
<context>
    <name>IdleDialog</name>
    <message>
        <location filename="../../kiosk/ui/idle_dialog.py" line="+48"/>
        <source>Are you still there?</source>
        <translation>¿Sigue ahí?</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>If nobody answers, the kiosk starts over and your places are let go.</source>
        <translation>Si nadie responde, el quiosco vuelve a empezar y sus localidades quedan libres.</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Yes, I need more time</source>
        <translation>Sí, necesito más tiempo</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>If nobody answers, the kiosk starts over. Your tickets are paid: staff can print them (order {code}).</source>
        <translation>Si nadie responde, el quiosco vuelve a empezar. Sus entradas están pagadas: el personal puede imprimirlas (pedido {code}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting over in {seconds} seconds</source>
        <translation>Se vuelve a empezar en {seconds} segundos</translation>
    </message>
</context>
<context>
    <name>Keyboard</name>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="+60"/>
        <source>⌫ Delete</source>
        <translation>⌫ Borrar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete the last letter</source>
        <translation>Borrar el último carácter</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Clear</source>
        <translation>Vaciar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear the address</source>
        <translation>Vaciar la dirección</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>at sign</source>
        <translation>arroba</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dot</source>
        <translation>punto</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>underscore</source>
        <translation>guion bajo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hyphen</source>
        <translation>guion</translation>
    </message>
</context>
<context>
    <name>KioskApp</name>
    <message>
        <location filename="../../kiosk/app.py" line="+104"/>
        <source>Starting…

If this takes long, the kiosk is temporarily out of service.</source>
        <translation>Iniciando…

Si tarda mucho, el quiosco está fuera de servicio temporalmente.</translation>
    </message>
    <message>
        <location filename="../../kiosk/app_common.py" line="+50"/>
        <source>This device is not approved yet; ask a manager.</source>
        <translation>Este dispositivo aún no está aprobado; pregunte a un responsable.</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>The database cannot be reached, so the PIN cannot be checked now.</source>
        <translation>No se puede acceder a la base de datos, así que ahora no se puede comprobar el PIN.</translation>
    </message>
</context>
<context>
    <name>Lockdown</name>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="+113"/>
        <source>That PIN is not right.</source>
        <translation>Ese PIN no es correcto.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="+257"/>
        <source>Live updates paused</source>
        <translation>Actualización en directo en pausa</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live seat updates are paused; the kiosk keeps selling</source>
        <translation>La actualización en directo de los asientos está en pausa; el quiosco sigue vendiendo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DEMO · no real tickets</source>
        <translation>DEMO · sin entradas reales</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/out_of_service.py" line="+48"/>
        <source>Temporarily out of service</source>
        <translation>Fuera de servicio temporalmente</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sorry for the wait. Please buy your tickets at the box office, or try again shortly.</source>
        <translation>Disculpe la espera. Compre sus entradas en la taquilla o inténtelo de nuevo en breve.</translation>
    </message>
</context>
<context>
    <name>PaymentScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/payment.py" line="+74"/>
        <source>Payment</source>
        <translation>Pago</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To pay</source>
        <translation>A pagar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel the purchase and release the places</source>
        <translation>Cancelar la compra y liberar las localidades</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Staff: confirm cash or card was taken</source>
        <translation>Personal: confirme que se ha cobrado en efectivo o con tarjeta</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Demo kiosk: no money is taken. Choose what the terminal answers.</source>
        <translation>Quiosco de demostración: no se cobra nada. Elija qué responde el terminal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulate approved</source>
        <translation>Simular aprobado</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Simulate an approved payment</source>
        <translation>Simular un pago aprobado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulate declined</source>
        <translation>Simular rechazado</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Simulate a declined payment</source>
        <translation>Simular un pago rechazado</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>To pay: {amount}</source>
        <translation>A pagar: {amount}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Please pay at the counter. A member of staff confirms the payment here.</source>
        <translation>Pague en el mostrador. Un empleado confirma el pago aquí.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is a demonstration. Nothing is charged.</source>
        <translation>Esto es una demostración. No se cobra nada.</translation>
    </message>
</context>
<context>
    <name>Place</name>
    <message>
        <location filename="../../kiosk/viewmodels/words.py" line="+41"/>
        <source>{section}, row {row}, seat {seat}</source>
        <translation>{section}, fila {row}, asiento {seat}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{section}, standing</source>
        <translation>{section}, de pie</translation>
    </message>
</context>
<context>
    <name>PrintingScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/printing.py" line="+45"/>
        <source>Print again</source>
        <translation>Imprimir de nuevo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Print the tickets again</source>
        <translation>Imprimir las entradas de nuevo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If it still does not print, please call a member of staff.</source>
        <translation>Si sigue sin imprimir, llame a un empleado.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+4"/>
        <source>Preparing your tickets…</source>
        <translation>Preparando sus entradas…</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Printing your tickets…</source>
        <translation>Imprimiendo sus entradas…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your tickets are printed</source>
        <translation>Sus entradas están impresas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tickets did not print</source>
        <translation>Las entradas no se han impreso</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>Order code: {code}</source>
        <translation>Código del pedido: {code}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your purchase is complete and your tickets are safe. {reason}</source>
        <translation>Su compra está completa y sus entradas están a salvo. {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Please wait a moment. Your tickets come out below the screen.</source>
        <translation>Espere un momento. Sus entradas salen debajo de la pantalla.</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="+75"/>
        <source>Check your places</source>
        <translation>Compruebe sus localidades</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your places</source>
        <translation>Sus localidades</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Total</source>
        <translation>Total</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail for your tickets (optional)</source>
        <translation>Correo electrónico para sus entradas (opcional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pay</source>
        <translation>Pagar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Go to payment</source>
        <translation>Ir al pago</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel and release the places</source>
        <translation>Cancelar y liberar las localidades</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Change e-mail</source>
        <translation>Cambiar correo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change the e-mail address {email}</source>
        <translation>Cambiar la dirección de correo {email}</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add e-mail</source>
        <translation>Añadir correo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add an e-mail address for the tickets, optional</source>
        <translation>Añadir una dirección de correo para las entradas, opcional</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Total {amount}</source>
        <translation>Total {amount}</translation>
    </message>
</context>
<context>
    <name>SaleFlow</name>
    <message>
        <location filename="../../kiosk/viewmodels/messages.py" line="+12"/>
        <source>Sorry, someone else took {seats} a moment ago. Please choose other seats.</source>
        <translation>Lo sentimos, otra persona acaba de coger {seats}. Elija otros asientos, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Many people are choosing seats right now and yours were taken. Please try again.</source>
        <translation>Mucha gente está eligiendo asientos ahora y los suyos se ocuparon. Vuelva a intentarlo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There are not that many places left together. Try fewer, or another section.</source>
        <translation>No quedan tantas localidades juntas. Pruebe con menos o con otra zona.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These places were let go, so nothing was sold. Please choose again.</source>
        <translation>Estos sitios se liberaron, así que no se vendió nada. Vuelva a elegir, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your time ran out, so we let your seats go. Nothing was charged. Choose again whenever you are ready.</source>
        <translation>Se acabó su tiempo, así que hemos liberado sus asientos. No se ha cobrado nada. Vuelva a elegir cuando quiera.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sales for this concert have closed. Please choose another concert.</source>
        <translation>La venta de este concierto ha terminado. Elija otro concierto, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales for this concert have not started yet. Please choose another concert.</source>
        <translation>La venta para este concierto aún no ha empezado. Elija otro concierto, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This concert has been cancelled, so nothing was sold. Please choose another concert.</source>
        <translation>Este concierto se ha cancelado, así que no se ha vendido nada. Elija otro concierto, por favor.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That concert is not on sale any more. Please choose another.</source>
        <translation>Las entradas para ese concierto ya no están a la venta. Elija otro, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your places are no longer held. Please choose again.</source>
        <translation>Sus plazas ya no están reservadas. Elija de nuevo, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These places are already paid for. If you have no tickets, please call staff.</source>
        <translation>Estas plazas ya están pagadas. Si no tiene las entradas, llame al personal, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is more places than one order may have. Please choose fewer.</source>
        <translation>Son más plazas de las que permite un pedido. Elija menos, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Those places cannot be chosen. Please choose again.</source>
        <translation>Esas plazas no se pueden elegir. Elija de nuevo, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The payment could not be taken, so nothing was charged. Try again, or call staff.</source>
        <translation>No se ha podido cobrar el pago, así que no se ha cargado nada. Inténtelo de nuevo o llame al personal.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That staff number or PIN is not right. Check it and enter it again.</source>
        <translation>Ese número de personal o PIN no es correcto. Compruébelo e introdúzcalo de nuevo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member of staff may not confirm payments. Another member of staff can confirm.</source>
        <translation>Este miembro del personal no puede confirmar pagos. Puede confirmarlo otro miembro del personal.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You have had all the extra time we can give. Please finish or cancel now.</source>
        <translation>Ya ha recibido todo el tiempo extra que podemos dar. Termine o cancele ahora, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You have more time now.</source>
        <translation>Ahora tiene más tiempo.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The payment was declined. Nothing was charged. Try again, or cancel.</source>
        <translation>El pago ha sido rechazado. No se ha cobrado nada. Inténtelo de nuevo o cancele.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That staff number or PIN is not right. {tries} tries left.</source>
        <translation>El número de personal o el PIN no es correcto. Quedan {tries} intentos.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many wrong PINs. Payment by PIN is locked for a few minutes. Please call a manager.</source>
        <translation>Demasiados PIN incorrectos. El pago con PIN queda bloqueado unos minutos. Llame a un responsable.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many wrong PINs for that staff number: it is locked for a while. Another member of staff can confirm.</source>
        <translation>Demasiados PIN incorrectos para ese número de personal: queda bloqueado un rato. Otra persona del personal puede confirmar.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>That e-mail address does not look right. Check it, or leave it empty.</source>
        <translation>Esa dirección de correo no parece correcta. Revísela o déjela vacía.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose at least one seat first.</source>
        <translation>Elija primero al menos un asiento.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your seats were taken before the payment went through. The payment was cancelled; staff will return any money taken. Please choose other seats.</source>
        <translation>Sus asientos se ocuparon antes de completarse el pago. El pago se ha anulado; el personal le devolverá el dinero cobrado. Elija otros asientos, por favor.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Finishing your purchase. Please wait a moment…</source>
        <translation>Estamos terminando su compra. Espere un momento, por favor…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The system is busy. Please try again in a moment.</source>
        <translation>El sistema está ocupado. Inténtelo de nuevo en un momento.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temporarily out of service. We are working on it; please try again shortly.</source>
        <translation>Fuera de servicio temporalmente. Estamos en ello; inténtelo de nuevo en breve.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your seats were released.</source>
        <translation>Sus asientos han quedado libres.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The kiosk started over because nobody was using it.</source>
        <translation>El quiosco ha vuelto a empezar porque nadie lo estaba usando.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>some of those seats</source>
        <translation>algunos de esos asientos</translation>
    </message>
</context>
<context>
    <name>SeatMap</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_labels.py" line="+181"/>
        <source>{name} · standing · {places} places</source>
        <translation>{name} · de pie · {places} plazas</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} · standing · {price} · {left} left</source>
        <translation>{name} · de pie · {price} · quedan {left}</translation>
    </message>
    <message>
        <location line="+111"/>
        <source>STAGE</source>
        <translation>ESCENARIO</translation>
    </message>
    <message>
        <location filename="../../kiosk/viewmodels/seat_map.py" line="+35"/>
        <source>euros</source>
        <translation>euros</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dollars</source>
        <translation>dólares</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pounds</source>
        <translation>libras</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>free</source>
        <translation>libre</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>taken</source>
        <translation>ocupado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not on sale</source>
        <translation>no está a la venta</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>We picked these seats for you. Accept them, or choose Change to pick others.</source>
        <translation>Hemos elegido estas butacas para usted. Acéptelas o pulse «Cambiar» para elegir otras.</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>Standing places are chosen by number, not on the map.</source>
        <translation>Las localidades de pie se eligen por número, no en el plano.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{seat} is {state}. Please choose another.</source>
        <translation>{seat} está {state}. Elija otro, por favor.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>You can choose up to {count} seats.</source>
        <translation>Puede elegir hasta {count} asientos.</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>{place}, {price}, {left} places left</source>
        <translation>{place}, {price}, quedan {left} localidades</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+17"/>
        <source>wheelchair space</source>
        <translation>espacio para silla de ruedas</translation>
    </message>
    <message>
        <location line="-15"/>
        <location line="+17"/>
        <source>companion seat</source>
        <translation>asiento de acompañante</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>restricted view</source>
        <translation>visibilidad reducida</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+15"/>
        <source>selected</source>
        <translation>seleccionado</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>{seat} was just taken by someone else. Please choose another.</source>
        <translation>Otra persona acaba de coger {seat}. Elija otro, por favor.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>These seats were just taken by someone else: {seats}. Please choose others.</source>
        <translation>Otra persona acaba de coger estos asientos: {seats}. Elija otros, por favor.</translation>
    </message>
</context>
<context>
    <name>SeatMapLegend</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_legend.py" line="+153"/>
        <source>Your choice</source>
        <translation>Su selección</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken</source>
        <translation>Ocupado</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wheelchair space</source>
        <translation>Espacio para silla de ruedas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Companion seat</source>
        <translation>Asiento de acompañante</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{left} left</source>
        <translation>quedan {left}</translation>
    </message>
</context>
<context>
    <name>SeatMapPanel</name>
    <message>
        <location line="+95"/>
        <source>Notice</source>
        <translation>Aviso</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live updates paused — seats refresh every few seconds.</source>
        <translation>Actualización en directo en pausa: los asientos se refrescan cada pocos segundos.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear the chosen seats</source>
        <translation>Quitar los asientos elegidos</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear choice</source>
        <translation>Borrar selección</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>{count} of {max} seats chosen · {total}</source>
        <translation>{count} de {max} asientos elegidos · {total}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tap the seats you want (up to {max}).</source>
        <translation>Toque los asientos que quiera (hasta {max}).</translation>
    </message>
</context>
<context>
    <name>SeatMapView</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_view.py" line="+49"/>
        <source>Seat map</source>
        <translation>Plano de asientos</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Arrow keys move from seat to seat and read each seat aloud. Space or Enter chooses or releases the seat. Plus and minus zoom.</source>
        <translation>Las flechas van de asiento en asiento y leen cada uno en voz alta. Espacio o Intro elige o libera el asiento. Más y menos hacen zoom.</translation>
    </message>
</context>
<context>
    <name>SeatMapWidget</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_widget.py" line="+93"/>
        <source>Zoom out</source>
        <translation>Alejar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole map</source>
        <translation>Plano completo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show the whole map</source>
        <translation>Mostrar el plano completo</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom in</source>
        <translation>Acercar</translation>
    </message>
</context>
<context>
    <name>SeatsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/seats.py" line="+128"/>
        <source>Back</source>
        <translation>Atrás</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to the concerts</source>
        <translation>Volver a los conciertos</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Continue</source>
        <translation>Continuar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Continue with the chosen seats</source>
        <translation>Continuar con los asientos elegidos</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Or let us pick the best seats</source>
        <translation>O deje que elijamos los mejores asientos</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Change</source>
        <translation>Cambiar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Release these seats and choose others</source>
        <translation>Liberar estas butacas y elegir otras</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Standing</source>
        <translation>De pie</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose your places: {title}</source>
        <translation>Elija sus localidades: {title}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose your places</source>
        <translation>Elija sus localidades</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Accept</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accept these seats</source>
        <translation>Aceptar estas butacas</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Standing places are bought on their own: your chosen seats would be let go. Press Choose {count} again to take standing places, or Continue with your seats.</source>
        <translation>Las entradas de pie se compran aparte: se liberarían los asientos elegidos. Pulse de nuevo «Elegir {count}» para entradas de pie, o «Continuar» con sus asientos.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{section} · {price} each · {left} left</source>
        <translation>{section} · {price} cada una · quedan {left}</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Best {count} in {section}</source>
        <translation>Los {count} mejores en {section}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Choose {count}</source>
        <translation>Elegir {count}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose {count} standing places in {section}</source>
        <translation>Elegir {count} localidades de pie en {section}</translation>
    </message>
</context>
<context>
    <name>StaffExit</name>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="-63"/>
        <source>Staff: enter your staff number, then your PIN, to leave kiosk mode</source>
        <translation>Personal: introduzca su número de personal y luego su PIN para salir del modo quiosco</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel and stay in kiosk mode</source>
        <translation>Cancelar y seguir en modo quiosco</translation>
    </message>
</context>
<context>
    <name>StartingScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/out_of_service.py" line="-14"/>
        <source>Starting…</source>
        <translation>Iniciando…</translation>
    </message>
</context>
<context>
    <name>TicketPrinting</name>
    <message>
        <location filename="../../kiosk/viewmodels/print_words.py" line="+10"/>
        <source>The ticket could not be printed. Please call staff.</source>
        <translation>No se ha podido imprimir la entrada. Llame al personal, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No printer is set up for this kiosk. Please call staff to print your tickets.</source>
        <translation>Este quiosco no tiene impresora. Llame al personal para imprimir sus entradas, por favor.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The printer did not print the ticket. Please call staff.</source>
        <translation>La impresora no ha impreso la entrada. Llame al personal, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The ticket printer is full. Please call staff to print your tickets.</source>
        <translation>La impresora de entradas está llena. Llame al personal para imprimir sus entradas, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The ticket printer is not available. Please call staff to print your tickets.</source>
        <translation>La impresora de entradas no está disponible. Llame al personal para imprimir sus entradas, por favor.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only staff can print these tickets now. Please call staff.</source>
        <translation>Ahora solo el personal puede imprimir estas entradas. Llame al personal, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is nothing left to print for this order. Please call staff.</source>
        <translation>No queda nada por imprimir de este pedido. Llame al personal, por favor.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tickets could not be prepared just now. Try again, or call staff.</source>
        <translation>Ahora mismo no se han podido preparar las entradas. Inténtelo de nuevo o llame al personal.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/welcome.py" line="+70"/>
        <source>Tickets for tonight and the coming weeks</source>
        <translation>Entradas para esta noche y las próximas semanas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Buy tickets</source>
        <translation>Comprar entradas</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Help with seeing and hearing</source>
        <translation>Ayuda para ver y oír</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tip: press F1 at any time to switch speech on or off.</source>
        <translation>Consejo: pulse F1 en cualquier momento para activar o desactivar la voz.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Welcome to {venue}</source>
        <translation>Bienvenido a {venue}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Welcome</source>
        <translation>Bienvenido</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>on</source>
        <translation>sí</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>no</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Speech</source>
        <translation>Voz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High contrast</source>
        <translation>Alto contraste</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Large text</source>
        <translation>Texto grande</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Speech: not available</source>
        <translation>Voz: no disponible</translation>
    </message>
</context>
<context>
    <name>Widgets</name>
    <message>
        <location filename="../../kiosk/ui/hold_bar.py" line="+101"/>
        <source>Your places are held for you for</source>
        <translation>Sus localidades están reservadas durante</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>More time</source>
        <translation>Más tiempo</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>More time: keep my places longer</source>
        <translation>Más tiempo: mantener mis plazas más tiempo</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{minutes} minutes {seconds} seconds left</source>
        <translation>quedan {minutes} minutos {seconds} segundos</translation>
    </message>
    <message>
        <location line="-44"/>
        <location line="+50"/>
        <source>⚠ Time is almost up. Tap “More time” if you need it.</source>
        <translation>⚠ El tiempo casi se ha agotado. Toque «Más tiempo» si lo necesita.</translation>
    </message>
    <message>
        <location line="-49"/>
        <location line="+51"/>
        <source>⚠ Time is almost up. Please pay now or cancel.</source>
        <translation>⚠ El tiempo casi se ha agotado. Pague ahora o cancele.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="+141"/>
        <source>Please note:</source>
        <translation>Atención:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem:</source>
        <translation>Problema:</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>Clear</source>
        <translation>Borrar</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Confirm the PIN</source>
        <translation>Confirmar el PIN</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>{count} digits entered</source>
        <translation>{count} dígitos introducidos</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>Clear what was typed</source>
        <translation>Borrar lo escrito</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>PIN of staff number {number}</source>
        <translation>PIN del número de personal {number}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Staff number</source>
        <translation>Número de personal</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Staff number {number}</source>
        <translation>Número de personal {number}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>Siguiente</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Go on to the PIN</source>
        <translation>Ir al PIN</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>One fewer, now {n}</source>
        <translation>Uno menos, ahora {n}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One more, now {n}</source>
        <translation>Uno más, ahora {n}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} places</source>
        <translation>{n} localidades</translation>
    </message>
</context>
</TS>
