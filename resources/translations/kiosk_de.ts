<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Accessibility</name>
    <message>
        <location filename="../../kiosk/ui/accessibility.py" line="+57"/>
        <source>Speech off.</source>
        <translation>Sprachausgabe aus.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Speech on. Press Tab to move, Enter to choose, F1 to turn speech off.</source>
        <translation>Sprachausgabe an. Mit Tab weiter, mit Enter auswählen, mit F1 die Sprachausgabe ausschalten.</translation>
    </message>
</context>
<context>
    <name>ConcertsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/concerts.py" line="+96"/>
        <source>Choose a concert</source>
        <translation>Konzert wählen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tap a concert to choose your places.</source>
        <translation>Tippen Sie auf ein Konzert, um Ihre Plätze zu wählen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to the start</source>
        <translation>Zurück zum Anfang</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No concerts are on sale right now. Please ask at the box office.</source>
        <translation>Zurzeit sind keine Konzerte im Verkauf. Bitte fragen Sie an der Kasse.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{count} left</source>
        <translation>noch {count}</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Sold out</source>
        <translation>Ausverkauft</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/done.py" line="+48"/>
        <source>Thank you!</source>
        <translation>Vielen Dank!</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Please take your tickets from the printer below the screen.</source>
        <translation>Bitte nehmen Sie Ihre Tickets aus dem Drucker unter dem Bildschirm.</translation>
    </message>
    <message>
        <location line="-9"/>
        <source>Your order code</source>
        <translation>Ihr Bestellcode</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Finish</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Finish and start over</source>
        <translation>Beenden und neu beginnen</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Your tickets were saved as PDF files in {folder}</source>
        <translation>Ihre Tickets wurden als PDF-Dateien gespeichert in {folder}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Your order code: {code}</source>
        <translation>Ihr Bestellcode: {code}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>We also sent your tickets to {email}.</source>
        <translation>Wir haben Ihre Tickets auch an {email} geschickt.</translation>
    </message>
</context>
<context>
    <name>Door</name>
    <message>
        <location filename="../../kiosk/viewmodels/door_words.py" line="+31"/>
        <source>ADMIT</source>
        <translation>EINLASS</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>ALREADY USED</source>
        <translation>BEREITS BENUTZT</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NOT VALID</source>
        <translation>UNGÜLTIG</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>WRONG CONCERT</source>
        <translation>FALSCHES KONZERT</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>VOID</source>
        <translation>STORNIERT</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>TOO EARLY</source>
        <translation>ZU FRÜH</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>EXIT OK</source>
        <translation>AUSGANG OK</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>NOT INSIDE</source>
        <translation>NICHT DRINNEN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CHECK BY HAND</source>
        <translation>VON HAND PRÜFEN</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Let the guest in.</source>
        <translation>Gast einlassen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admitted {when} at {gate}. Do not admit again.</source>
        <translation>Eingelassen {when} an {gate}. Nicht noch einmal einlassen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a ticket code, or it is damaged. Do not admit; scan the ticket&apos;s QR code.</source>
        <translation>Das ist kein Ticketcode, oder er ist beschädigt. Nicht einlassen; den QR-Code des Tickets scannen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This ticket is in a format this door does not know. Do not admit; update the door or check the order at the box office.</source>
        <translation>Dieses Ticket hat ein Format, das dieser Einlass nicht kennt. Nicht einlassen; den Einlass aktualisieren oder die Bestellung an der Kasse prüfen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This ticket was not issued by this box office, or it was altered. Do not admit; send the guest to the box office.</source>
        <translation>Dieses Ticket wurde nicht von dieser Kasse ausgestellt oder wurde verändert. Nicht einlassen; den Gast zur Kasse schicken.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This door has no ticket list for this concert, so it cannot check tickets offline. Do not admit; call a manager.</source>
        <translation>Dieser Einlass hat keine Ticketliste für dieses Konzert und kann offline nicht prüfen. Nicht einlassen; eine Leitung rufen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This door&apos;s offline list is too old to check tickets by. Connect the door to the network, or check tickets by hand.</source>
        <translation>Die Offline-Liste dieses Einlasses ist zu alt, um danach zu prüfen. Den Einlass mit dem Netz verbinden oder Tickets von Hand prüfen.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This is a DEMO ticket from a test system, sold for no money; it is not valid for entry here. Do not admit; send the guest to the box office.</source>
        <translation>Das ist ein DEMO-Ticket aus einem Testsystem, ohne Bezahlung verkauft; es gilt hier nicht für den Einlass. Nicht einlassen; den Gast zur Kasse schicken.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>This ticket is for {concert}. Send the guest to the box office.</source>
        <translation>Dieses Ticket gilt für {concert}. Den Gast zur Kasse schicken.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This ticket was refunded or cancelled. Do not admit.</source>
        <translation>Dieses Ticket wurde erstattet oder storniert. Nicht einlassen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Entry opens {when}. Ask the guest to wait.</source>
        <translation>Einlass {when}. Den Gast bitten zu warten.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The guest may come back in with this ticket.</source>
        <translation>Der Gast darf mit diesem Ticket wieder hinein.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This ticket has not been admitted; nothing to do.</source>
        <translation>Dieses Ticket wurde nicht eingelassen; nichts zu tun.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undone: {place} may be scanned again.</source>
        <translation>Rückgängig: {place} kann erneut gescannt werden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Undone in the journal, but {place} was admitted again since (another gate or a re-entry): it stays inside.</source>
        <translation>Im Journal rückgängig gemacht, aber {place} wurde seitdem erneut eingelassen (anderer Einlass oder Wiedereinlass): bleibt drinnen.</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>at {time}</source>
        <translation>um {time}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>on {date} at {time}</source>
        <translation>am {date} um {time}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>earlier</source>
        <translation>früher</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another gate</source>
        <translation>einem anderen Einlass</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>another concert</source>
        <translation>ein anderes Konzert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{title} ({when})</source>
        <translation>{title} ({when})</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{date}, doors {time}</source>
        <translation>{date}, Einlass {time}</translation>
    </message>
    <message>
        <location filename="../../kiosk/viewmodels/door.py" line="+38"/>
        <source>SCAN AGAIN</source>
        <translation>NOCHMALS SCANNEN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>STOP</source>
        <translation>STOPP</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>CHOOSE CONCERT</source>
        <translation>KONZERT WÄHLEN</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose tonight&apos;s concert before scanning tickets.</source>
        <translation>Wählen Sie vor dem Scannen das Konzert für heute Abend.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This is not a ticket code (far too long). Do not admit; scan the ticket&apos;s QR code.</source>
        <translation>Das ist kein Ticketcode (viel zu lang). Nicht einlassen; scannen Sie den QR-Code des Tickets.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Something went wrong while checking this ticket. Scan it again; if it happens again, call a manager.</source>
        <translation>Beim Prüfen dieses Tickets ist etwas schiefgegangen. Scannen Sie es erneut; passiert es wieder, rufen Sie die Leitung.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Undo needs the database, which does not answer right now. Try again in a moment.</source>
        <translation>Zum Zurücknehmen wird die Datenbank gebraucht, die gerade nicht antwortet. Versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <location filename="../../kiosk/viewmodels/door_status.py" line="+14"/>
        <source>Offline list from {time} ({age} old)</source>
        <translation>Offline-Liste von {time} ({age} alt)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Offline list too old ({age}): check tickets by hand</source>
        <translation>Offline-Liste zu alt ({age}): Tickets von Hand prüfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No offline list for this concert: tickets cannot be checked; call a manager</source>
        <translation>Keine Offline-Liste für dieses Konzert: Tickets können nicht geprüft werden; rufen Sie eine Leitung</translation>
    </message>
</context>
<context>
    <name>DoorApp</name>
    <message>
        <location filename="../../kiosk/door_app.py" line="+58"/>
        <source>Starting…</source>
        <translation>Startet …</translation>
    </message>
    <message>
        <location line="+33"/>
        <source>Temporarily out of service: the database cannot be reached.</source>
        <translation>Vorübergehend außer Betrieb: Die Datenbank ist nicht erreichbar.</translation>
    </message>
    <message>
        <location line="+19"/>
        <source>This door station is waiting for a manager&apos;s approval.

Key fingerprint:
{fp}</source>
        <translation>Dieser Einlass wartet auf die Freigabe durch eine Leitung.

Schlüssel-Fingerabdruck:
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
        <translation>Konzert heute Abend</translation>
    </message>
    <message>
        <location line="-130"/>
        <source>Choose the concert this door checks tickets for</source>
        <translation>Wählen Sie das Konzert, für das dieser Eingang Tickets prüft</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <location line="+148"/>
        <source>Admitted tonight</source>
        <translation>Heute eingelassen</translation>
    </message>
    <message>
        <location line="-143"/>
        <source>Offline list</source>
        <translation>Offline-Liste</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>Verdict</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <location line="+11"/>
        <location line="+2"/>
        <source>Recent scans</source>
        <translation>Letzte Scans</translation>
    </message>
    <message>
        <location line="+13"/>
        <source>Undo last admit</source>
        <translation>Letzten Einlass zurücknehmen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Take back this door&apos;s last admit (within 5 minutes)</source>
        <translation>Den letzten Einlass an diesem Eingang zurücknehmen (innerhalb von 5 Minuten)</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Yes, undo</source>
        <translation>Ja, zurücknehmen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Keep the admit</source>
        <translation>Einlass behalten</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>Undo the admit of {place}? The ticket can then be scanned again.</source>
        <translation>Einlass von {place} zurücknehmen? Das Ticket kann dann erneut gescannt werden.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>the last ticket</source>
        <translation>dem letzten Ticket</translation>
    </message>
    <message>
        <location line="+14"/>
        <source>No concert chosen</source>
        <translation>Kein Konzert gewählt</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Next concert night: {date}</source>
        <translation>Nächster Konzertabend: {date}</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>● Online</source>
        <translation>● Online</translation>
    </message>
    <message numerus="yes">
        <location line="+4"/>
        <source>● OFFLINE · %n scans to sync</source>
        <translation>
            <numerusform>● OFFLINE · %n Scan zu übertragen</numerusform>
            <numerusform>● OFFLINE · %n Scans zu übertragen</numerusform>
        </translation>
    </message>
    <message>
        <location line="+3"/>
        <source>● OFFLINE</source>
        <translation>● OFFLINE</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Admitted tonight: {count}</source>
        <translation>Heute eingelassen: {count}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Admitted for {date}</source>
        <translation>Eingelassen für {date}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Admitted for {date}: {count}</source>
        <translation>Eingelassen für {date}: {count}</translation>
    </message>
    <message numerus="yes">
        <location line="+6"/>
        <source>%n more scans waiting…</source>
        <translation>
            <numerusform>%n weiterer Scan wartet …</numerusform>
            <numerusform>%n weitere Scans warten …</numerusform>
        </translation>
    </message>
    <message>
        <location line="+21"/>
        <source>Choose tonight&apos;s concert</source>
        <translation>Konzert für heute Abend wählen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose the concert</source>
        <translation>Konzert wählen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>Choose concert</source>
        <translation>Konzert wählen</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Choose the concert at the top.</source>
        <translation>Wählen Sie oben das Konzert.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose tonight&apos;s concert at the top.</source>
        <translation>Wählen Sie oben das Konzert für heute Abend.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>No concert to check in. Call a manager.</source>
        <translation>Kein Konzert für den Einlass. Bitte die Leitung rufen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Scan a ticket</source>
        <translation>Ticket scannen</translation>
    </message>
    <message>
        <location line="+101"/>
        <source>Offline — not checked</source>
        <translation>Offline – nicht geprüft</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Checked offline by signature</source>
        <translation>Offline per Signatur geprüft</translation>
    </message>
</context>
<context>
    <name>EmailScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/email.py" line="+57"/>
        <source>E-mail for your tickets (optional)</source>
        <translation>E-Mail für Ihre Tickets (freiwillig)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>name@example.com</source>
        <translation>name@beispiel.de</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail address for the tickets, optional</source>
        <translation>E-Mail-Adresse für die Tickets, freiwillig</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to your places, without changing the address</source>
        <translation>Zurück zu Ihren Plätzen, ohne die Adresse zu ändern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Done: use this address</source>
        <translation>Fertig: diese Adresse verwenden</translation>
    </message>
</context>
<context>
    <name>EnrolmentScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/enrolment.py" line="+40"/>
        <source>Waiting for a manager to approve this kiosk</source>
        <translation>Warte auf die Freigabe dieses Kiosks durch die Leitung</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>In Encore Admin, open Devices and compare this fingerprint before approving.</source>
        <translation>Öffnen Sie in Encore Admin „Geräte“ und vergleichen Sie diesen Fingerabdruck vor der Freigabe.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Key fingerprint</source>
        <translation>Schlüssel-Fingerabdruck</translation>
    </message>
    <message>
        <location line="+9"/>
        <source>Status: waiting for approval</source>
        <translation>Status: wartet auf Freigabe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status: approved, starting…</source>
        <translation>Status: freigegeben, startet …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Status: revoked. This kiosk may not sell; please call a manager.</source>
        <translation>Status: gesperrt. Dieser Kiosk darf nicht verkaufen; bitte die Leitung rufen.</translation>
    </message>
</context>
<context>
    <name>FlowSpeech</name>
    <message>
        <location filename="../../kiosk/viewmodels/flow_speech.py" line="+10"/>
        <source>Welcome to {venue}. To buy tickets, press Enter on Buy tickets. Press Tab to move between controls.</source>
        <translation>Willkommen im {venue}. Um Tickets zu kaufen, drücken Sie Enter auf „Tickets kaufen“. Mit Tab wechseln Sie zwischen den Bedienelementen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Concerts on sale: {count}. Press Tab to hear each concert, Enter to choose it, Escape to go back.</source>
        <translation>Konzerte im Verkauf: {count}. Mit Tab hören Sie jedes Konzert, mit Enter wählen Sie es, mit Escape geht es zurück.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Seat map for {concert}. Use the arrow keys to walk from seat to seat; each seat is read out. Press Space to choose a seat, then Tab to Continue. Or choose Best available.</source>
        <translation>Saalplan für {concert}. Mit den Pfeiltasten gehen Sie von Platz zu Platz; jeder Platz wird vorgelesen. Mit der Leertaste wählen Sie einen Platz, dann mit Tab zu „Weiter“. Oder wählen Sie die besten verfügbaren Plätze.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your places are held: {places}. Total {total}. They are held for {time}. Press Tab to reach Pay, More time or Cancel.</source>
        <translation>Ihre Plätze sind reserviert: {places}. Gesamt {total}. Sie bleiben {time} reserviert. Mit Tab erreichen Sie „Bezahlen“, „Mehr Zeit“ oder „Abbrechen“.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>E-mail for your tickets. Type the address, then press Enter. Your places are held for {time}.</source>
        <translation>E-Mail für Ihre Tickets. Geben Sie die Adresse ein und drücken Sie dann die Eingabetaste. Ihre Plätze sind noch {time} reserviert.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Payment: {total}. Please ask a member of staff to take your payment and enter their PIN.</source>
        <translation>Bezahlung: {total}. Bitte lassen Sie eine Mitarbeiterin oder einen Mitarbeiter kassieren und die PIN eingeben.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Payment: {total}. This is a demo: choose approve or decline.</source>
        <translation>Bezahlung: {total}. Dies ist eine Demo: wählen Sie Genehmigen oder Ablehnen.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Thank you. Your tickets are printing. Please wait.</source>
        <translation>Vielen Dank. Ihre Tickets werden gedruckt. Bitte warten Sie.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The printer has a problem. Your order is safe; its code is {code}. Press Print again, or call staff.</source>
        <translation>Der Drucker hat ein Problem. Ihre Bestellung ist sicher; ihr Code ist {code}. Drücken Sie Erneut drucken oder rufen Sie das Personal.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Done. Please take your tickets from the printer. Order {code}. Press Enter to finish.</source>
        <translation>Fertig. Bitte nehmen Sie Ihre Tickets aus dem Drucker. Bestellung {code}. Drücken Sie Enter zum Beenden.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>This kiosk is waiting for approval by a manager.</source>
        <translation>Dieser Kiosk wartet auf die Freigabe durch die Leitung.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temporarily out of service. Please try again shortly.</source>
        <translation>Vorübergehend außer Betrieb. Bitte versuchen Sie es in Kürze erneut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Starting.</source>
        <translation>Startet.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your time is nearly up: {time} left. Press Tab to reach More time.</source>
        <translation>Ihre Zeit ist fast abgelaufen: noch {time}. Mit Tab erreichen Sie „Mehr Zeit“.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Are you still there? Press any key to continue. Starting over in {seconds} seconds.</source>
        <translation>Sind Sie noch da? Drücken Sie eine beliebige Taste, um fortzufahren. Neustart in {seconds} Sekunden.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{minutes} minutes {seconds} seconds</source>
        <translation>{minutes} Minuten {seconds} Sekunden</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{seconds} seconds</source>
        <translation>{seconds} Sekunden</translation>
    </message>
</context>
<context>
    <name>IdleDialog</name>
    <message>
        <location filename="../../kiosk/ui/idle_dialog.py" line="+48"/>
        <source>Are you still there?</source>
        <translation>Sind Sie noch da?</translation>
    </message>
    <message>
        <location line="+26"/>
        <source>If nobody answers, the kiosk starts over and your places are let go.</source>
        <translation>Wenn niemand antwortet, beginnt der Kiosk von vorn und Ihre Plätze werden freigegeben.</translation>
    </message>
    <message>
        <location line="-25"/>
        <source>Yes, I need more time</source>
        <translation>Ja, ich brauche mehr Zeit</translation>
    </message>
    <message>
        <location line="+22"/>
        <source>If nobody answers, the kiosk starts over. Your tickets are paid: staff can print them (order {code}).</source>
        <translation>Wenn niemand antwortet, beginnt der Kiosk von vorn. Ihre Tickets sind bezahlt: Das Personal kann sie drucken (Bestellung {code}).</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Starting over in {seconds} seconds</source>
        <translation>Neustart in {seconds} Sekunden</translation>
    </message>
</context>
<context>
    <name>Keyboard</name>
    <message>
        <location filename="../../kiosk/ui/onscreen_keyboard.py" line="+60"/>
        <source>⌫ Delete</source>
        <translation>⌫ Löschen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Delete the last letter</source>
        <translation>Das letzte Zeichen löschen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear the address</source>
        <translation>Die Adresse leeren</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>at sign</source>
        <translation>At-Zeichen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dot</source>
        <translation>Punkt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>underscore</source>
        <translation>Unterstrich</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>hyphen</source>
        <translation>Bindestrich</translation>
    </message>
</context>
<context>
    <name>KioskApp</name>
    <message>
        <location filename="../../kiosk/app.py" line="+104"/>
        <source>Starting…

If this takes long, the kiosk is temporarily out of service.</source>
        <translation>Startet …

Wenn das lange dauert, ist der Kiosk vorübergehend außer Betrieb.</translation>
    </message>
    <message>
        <location filename="../../kiosk/app_common.py" line="+50"/>
        <source>This device is not approved yet; ask a manager.</source>
        <translation>Dieses Gerät ist noch nicht freigegeben; bitte fragen Sie eine Leitung.</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>The database cannot be reached, so the PIN cannot be checked now.</source>
        <translation>Die Datenbank ist nicht erreichbar, daher kann die PIN gerade nicht geprüft werden.</translation>
    </message>
</context>
<context>
    <name>Lockdown</name>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="+113"/>
        <source>That PIN is not right.</source>
        <translation>Diese PIN ist nicht richtig.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../kiosk/ui/main_window.py" line="+257"/>
        <source>Live updates paused</source>
        <translation>Live-Aktualisierung pausiert</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live seat updates are paused; the kiosk keeps selling</source>
        <translation>Die Live-Aktualisierung der Plätze ist pausiert; der Kiosk verkauft weiter</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>DEMO · no real tickets</source>
        <translation>DEMO · keine echten Tickets</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/out_of_service.py" line="+48"/>
        <source>Temporarily out of service</source>
        <translation>Vorübergehend außer Betrieb</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Sorry for the wait. Please buy your tickets at the box office, or try again shortly.</source>
        <translation>Entschuldigen Sie die Wartezeit. Bitte kaufen Sie Ihre Tickets an der Kasse oder versuchen Sie es in Kürze erneut.</translation>
    </message>
</context>
<context>
    <name>PaymentScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/payment.py" line="+74"/>
        <source>Payment</source>
        <translation>Bezahlung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>To pay</source>
        <translation>Zu zahlen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel the purchase and release the places</source>
        <translation>Kauf abbrechen und Plätze freigeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Staff: confirm cash or card was taken</source>
        <translation>Personal: Bestätigen, dass bar oder mit Karte bezahlt wurde</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Demo kiosk: no money is taken. Choose what the terminal answers.</source>
        <translation>Demo-Kiosk: Es wird kein Geld eingezogen. Wählen Sie, was das Terminal antwortet.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulate approved</source>
        <translation>Genehmigt simulieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Simulate an approved payment</source>
        <translation>Eine genehmigte Zahlung simulieren</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Simulate declined</source>
        <translation>Abgelehnt simulieren</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Simulate a declined payment</source>
        <translation>Eine abgelehnte Zahlung simulieren</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>To pay: {amount}</source>
        <translation>Zu zahlen: {amount}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Please pay at the counter. A member of staff confirms the payment here.</source>
        <translation>Bitte bezahlen Sie an der Theke. Das Personal bestätigt die Zahlung hier.</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>This is a demonstration. Nothing is charged.</source>
        <translation>Dies ist eine Vorführung. Es wird nichts berechnet.</translation>
    </message>
</context>
<context>
    <name>Place</name>
    <message>
        <location filename="../../kiosk/viewmodels/words.py" line="+41"/>
        <source>{section}, row {row}, seat {seat}</source>
        <translation>{section}, Reihe {row}, Platz {seat}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{section}, standing</source>
        <translation>{section}, Stehplatz</translation>
    </message>
</context>
<context>
    <name>PrintingScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/printing.py" line="+45"/>
        <source>Print again</source>
        <translation>Erneut drucken</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Print the tickets again</source>
        <translation>Die Tickets erneut drucken</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>If it still does not print, please call a member of staff.</source>
        <translation>Wenn es weiterhin nicht druckt, rufen Sie bitte das Personal.</translation>
    </message>
    <message>
        <location line="+7"/>
        <location line="+4"/>
        <source>Preparing your tickets…</source>
        <translation>Ihre Tickets werden vorbereitet …</translation>
    </message>
    <message>
        <location line="-3"/>
        <source>Printing your tickets…</source>
        <translation>Ihre Tickets werden gedruckt …</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your tickets are printed</source>
        <translation>Ihre Tickets sind gedruckt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tickets did not print</source>
        <translation>Die Tickets wurden nicht gedruckt</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+1"/>
        <source>Order code: {code}</source>
        <translation>Bestellcode: {code}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Your purchase is complete and your tickets are safe. {reason}</source>
        <translation>Ihr Kauf ist abgeschlossen und Ihre Tickets sind sicher. {reason}</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Please wait a moment. Your tickets come out below the screen.</source>
        <translation>Bitte warten Sie einen Moment. Ihre Tickets kommen unter dem Bildschirm heraus.</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/review.py" line="+75"/>
        <source>Check your places</source>
        <translation>Ihre Plätze prüfen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your places</source>
        <translation>Ihre Plätze</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Total</source>
        <translation>Gesamt</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>E-mail for your tickets (optional)</source>
        <translation>E-Mail für Ihre Tickets (optional)</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Pay</source>
        <translation>Bezahlen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Go to payment</source>
        <translation>Zur Bezahlung</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel and release the places</source>
        <translation>Abbrechen und Plätze freigeben</translation>
    </message>
    <message>
        <location line="+18"/>
        <source>Change e-mail</source>
        <translation>E-Mail ändern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Change the e-mail address {email}</source>
        <translation>Die E-Mail-Adresse {email} ändern</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Add e-mail</source>
        <translation>E-Mail hinzufügen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Add an e-mail address for the tickets, optional</source>
        <translation>Eine E-Mail-Adresse für die Tickets hinzufügen, freiwillig</translation>
    </message>
    <message>
        <location line="+29"/>
        <source>Total {amount}</source>
        <translation>Gesamt {amount}</translation>
    </message>
</context>
<context>
    <name>SaleFlow</name>
    <message>
        <location filename="../../kiosk/viewmodels/messages.py" line="+12"/>
        <source>Sorry, someone else took {seats} a moment ago. Please choose other seats.</source>
        <translation>Entschuldigung, {seats} wurde gerade eben von jemand anderem genommen. Bitte wählen Sie andere Plätze.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Many people are choosing seats right now and yours were taken. Please try again.</source>
        <translation>Gerade wählen viele Menschen Plätze, und Ihre wurden vergeben. Bitte versuchen Sie es noch einmal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There are not that many places left together. Try fewer, or another section.</source>
        <translation>So viele Plätze nebeneinander gibt es nicht mehr. Versuchen Sie weniger oder einen anderen Bereich.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These places were let go, so nothing was sold. Please choose again.</source>
        <translation>Diese Plätze wurden freigegeben, es wurde nichts verkauft. Bitte wählen Sie erneut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your time ran out, so we let your seats go. Nothing was charged. Choose again whenever you are ready.</source>
        <translation>Ihre Zeit ist abgelaufen, deshalb haben wir Ihre Plätze freigegeben. Es wurde nichts berechnet. Wählen Sie neu, wann immer Sie so weit sind.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>Sales for this concert have closed. Please choose another concert.</source>
        <translation>Der Verkauf für dieses Konzert ist beendet. Bitte wählen Sie ein anderes Konzert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Sales for this concert have not started yet. Please choose another concert.</source>
        <translation>Der Verkauf für dieses Konzert hat noch nicht begonnen. Bitte wählen Sie ein anderes Konzert.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This concert has been cancelled, so nothing was sold. Please choose another concert.</source>
        <translation>Dieses Konzert wurde abgesagt, es wurde nichts verkauft. Bitte wählen Sie ein anderes Konzert.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That concert is not on sale any more. Please choose another.</source>
        <translation>Für dieses Konzert gibt es keine Tickets mehr zu kaufen. Bitte wählen Sie ein anderes.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your places are no longer held. Please choose again.</source>
        <translation>Ihre Plätze sind nicht mehr reserviert. Bitte wählen Sie erneut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>These places are already paid for. If you have no tickets, please call staff.</source>
        <translation>Diese Plätze sind bereits bezahlt. Wenn Sie keine Tickets haben, rufen Sie bitte das Personal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That is more places than one order may have. Please choose fewer.</source>
        <translation>Das sind mehr Plätze, als eine Bestellung haben darf. Bitte wählen Sie weniger.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Those places cannot be chosen. Please choose again.</source>
        <translation>Diese Plätze können nicht gewählt werden. Bitte wählen Sie erneut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The payment could not be taken, so nothing was charged. Try again, or call staff.</source>
        <translation>Die Zahlung konnte nicht durchgeführt werden, es wurde nichts abgebucht. Versuchen Sie es erneut oder rufen Sie das Personal.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>That staff number or PIN is not right. Check it and enter it again.</source>
        <translation>Diese Personalnummer oder PIN ist nicht richtig. Bitte prüfen und erneut eingeben.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>This member of staff may not confirm payments. Another member of staff can confirm.</source>
        <translation>Diese Person darf keine Zahlungen bestätigen. Eine andere Person vom Personal kann bestätigen.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>You have had all the extra time we can give. Please finish or cancel now.</source>
        <translation>Sie haben bereits alle zusätzliche Zeit erhalten, die wir geben können. Bitte schließen Sie jetzt ab oder brechen Sie ab.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>You have more time now.</source>
        <translation>Sie haben jetzt mehr Zeit.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The payment was declined. Nothing was charged. Try again, or cancel.</source>
        <translation>Die Zahlung wurde abgelehnt. Es wurde nichts berechnet. Versuchen Sie es erneut oder brechen Sie ab.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>That staff number or PIN is not right. {tries} tries left.</source>
        <translation>Personalnummer oder PIN ist nicht richtig. Noch {tries} Versuche.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Too many wrong PINs. Payment by PIN is locked for a few minutes. Please call a manager.</source>
        <translation>Zu viele falsche PINs. Die Zahlung per PIN ist für einige Minuten gesperrt. Bitte rufen Sie die Leitung.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Too many wrong PINs for that staff number: it is locked for a while. Another member of staff can confirm.</source>
        <translation>Zu viele falsche PINs für diese Personalnummer: Sie ist eine Weile gesperrt. Eine andere Person vom Personal kann bestätigen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>That e-mail address does not look right. Check it, or leave it empty.</source>
        <translation>Diese E-Mail-Adresse sieht nicht richtig aus. Prüfen Sie sie oder lassen Sie das Feld leer.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose at least one seat first.</source>
        <translation>Wählen Sie zuerst mindestens einen Platz.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your seats were taken before the payment went through. The payment was cancelled; staff will return any money taken. Please choose other seats.</source>
        <translation>Ihre Plätze wurden vergeben, bevor die Zahlung durchging. Die Zahlung wurde storniert; das Personal erstattet bereits gezahltes Geld. Bitte wählen Sie andere Plätze.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Finishing your purchase. Please wait a moment…</source>
        <translation>Ihr Kauf wird abgeschlossen. Bitte einen Moment Geduld…</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The system is busy. Please try again in a moment.</source>
        <translation>Das System ist ausgelastet. Bitte versuchen Sie es gleich noch einmal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Temporarily out of service. We are working on it; please try again shortly.</source>
        <translation>Vorübergehend außer Betrieb. Wir arbeiten daran; bitte versuchen Sie es in Kürze erneut.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Your seats were released.</source>
        <translation>Ihre Plätze wurden freigegeben.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The kiosk started over because nobody was using it.</source>
        <translation>Der Kiosk hat neu begonnen, weil ihn niemand benutzt hat.</translation>
    </message>
    <message>
        <location line="+84"/>
        <source>some of those seats</source>
        <translation>einige dieser Plätze</translation>
    </message>
</context>
<context>
    <name>SeatMap</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_labels.py" line="+181"/>
        <source>{name} · standing · {places} places</source>
        <translation>{name} · Stehplatz · {places} Plätze</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{name} · standing · {price} · {left} left</source>
        <translation>{name} · Stehplatz · {price} · noch {left}</translation>
    </message>
    <message>
        <location line="+111"/>
        <source>STAGE</source>
        <translation>BÜHNE</translation>
    </message>
    <message>
        <location filename="../../kiosk/viewmodels/seat_map.py" line="+35"/>
        <source>euros</source>
        <translation>Euro</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>dollars</source>
        <translation>Dollar</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>pounds</source>
        <translation>Pfund</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>free</source>
        <translation>frei</translation>
    </message>
    <message>
        <location line="+1"/>
        <location line="+1"/>
        <source>taken</source>
        <translation>vergeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>not on sale</source>
        <translation>nicht im Verkauf</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>We picked these seats for you. Accept them, or choose Change to pick others.</source>
        <translation>Wir haben diese Plätze für Sie ausgesucht. Übernehmen Sie sie, oder wählen Sie „Ändern“, um andere zu wählen.</translation>
    </message>
    <message>
        <location line="+100"/>
        <source>Standing places are chosen by number, not on the map.</source>
        <translation>Stehplätze wählen Sie über die Anzahl, nicht im Plan.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>{seat} is {state}. Please choose another.</source>
        <translation>{seat} ist {state}. Bitte wählen Sie einen anderen.</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>You can choose up to {count} seats.</source>
        <translation>Sie können bis zu {count} Plätze wählen.</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>{place}, {price}, {left} places left</source>
        <translation>{place}, {price}, noch {left} Plätze</translation>
    </message>
    <message>
        <location line="+5"/>
        <location line="+17"/>
        <source>wheelchair space</source>
        <translation>Rollstuhlplatz</translation>
    </message>
    <message>
        <location line="-15"/>
        <location line="+17"/>
        <source>companion seat</source>
        <translation>Begleitplatz</translation>
    </message>
    <message>
        <location line="-15"/>
        <source>restricted view</source>
        <translation>eingeschränkte Sicht</translation>
    </message>
    <message>
        <location line="+2"/>
        <location line="+15"/>
        <source>selected</source>
        <translation>ausgewählt</translation>
    </message>
    <message>
        <location line="+50"/>
        <source>{seat} was just taken by someone else. Please choose another.</source>
        <translation>{seat} wurde gerade von jemand anderem genommen. Bitte wählen Sie einen anderen.</translation>
    </message>
    <message>
        <location line="+4"/>
        <source>These seats were just taken by someone else: {seats}. Please choose others.</source>
        <translation>Diese Plätze wurden gerade von jemand anderem genommen: {seats}. Bitte wählen Sie andere.</translation>
    </message>
</context>
<context>
    <name>SeatMapLegend</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_legend.py" line="+153"/>
        <source>Your choice</source>
        <translation>Ihre Auswahl</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Taken</source>
        <translation>Vergeben</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Wheelchair space</source>
        <translation>Rollstuhlplatz</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Companion seat</source>
        <translation>Begleitplatz</translation>
    </message>
    <message>
        <location line="+8"/>
        <source>{left} left</source>
        <translation>noch {left}</translation>
    </message>
</context>
<context>
    <name>SeatMapPanel</name>
    <message>
        <location line="+95"/>
        <source>Notice</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Live updates paused — seats refresh every few seconds.</source>
        <translation>Live-Aktualisierung pausiert – die Plätze werden alle paar Sekunden aufgefrischt.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Clear the chosen seats</source>
        <translation>Die gewählten Plätze abwählen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Clear choice</source>
        <translation>Auswahl löschen</translation>
    </message>
    <message>
        <location line="+46"/>
        <source>{count} of {max} seats chosen · {total}</source>
        <translation>{count} von {max} Plätzen gewählt · {total}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Tap the seats you want (up to {max}).</source>
        <translation>Tippen Sie auf die gewünschten Plätze (bis zu {max}).</translation>
    </message>
</context>
<context>
    <name>SeatMapView</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_view.py" line="+49"/>
        <source>Seat map</source>
        <translation>Saalplan</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Arrow keys move from seat to seat and read each seat aloud. Space or Enter chooses or releases the seat. Plus and minus zoom.</source>
        <translation>Die Pfeiltasten gehen von Platz zu Platz und lesen jeden Platz vor. Leertaste oder Enter wählt den Platz oder gibt ihn frei. Plus und Minus zoomen.</translation>
    </message>
</context>
<context>
    <name>SeatMapWidget</name>
    <message>
        <location filename="../../kiosk/ui/seat_map_widget.py" line="+93"/>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Whole map</source>
        <translation>Ganzer Plan</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Show the whole map</source>
        <translation>Den ganzen Plan zeigen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
</context>
<context>
    <name>SeatsScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/seats.py" line="+128"/>
        <source>Back</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Back to the concerts</source>
        <translation>Zurück zu den Konzerten</translation>
    </message>
    <message>
        <location line="+31"/>
        <source>Continue</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Continue with the chosen seats</source>
        <translation>Mit den gewählten Plätzen weiter</translation>
    </message>
    <message>
        <location line="-28"/>
        <source>Or let us pick the best seats</source>
        <translation>Oder lassen Sie uns die besten Plätze wählen</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>Change</source>
        <translation>Ändern</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Release these seats and choose others</source>
        <translation>Diese Plätze freigeben und andere wählen</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Standing</source>
        <translation>Stehplätze</translation>
    </message>
    <message>
        <location line="+7"/>
        <source>Choose your places: {title}</source>
        <translation>Wählen Sie Ihre Plätze: {title}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Choose your places</source>
        <translation>Wählen Sie Ihre Plätze</translation>
    </message>
    <message>
        <location line="+16"/>
        <source>Accept</source>
        <translation>Übernehmen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Accept these seats</source>
        <translation>Diese Plätze übernehmen</translation>
    </message>
    <message>
        <location line="+82"/>
        <source>Standing places are bought on their own: your chosen seats would be let go. Press Choose {count} again to take standing places, or Continue with your seats.</source>
        <translation>Stehplätze werden für sich gekauft: Ihre gewählten Sitzplätze würden freigegeben. Drücken Sie erneut „{count} wählen“ für Stehplätze, oder „Weiter“ mit Ihren Sitzplätzen.</translation>
    </message>
    <message>
        <location line="+54"/>
        <source>{section} · {price} each · {left} left</source>
        <translation>{section} · je {price} · noch {left}</translation>
    </message>
    <message>
        <location line="-6"/>
        <source>Best {count} in {section}</source>
        <translation>Beste {count} in {section}</translation>
    </message>
    <message>
        <location line="+12"/>
        <source>Choose {count}</source>
        <translation>{count} wählen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Choose {count} standing places in {section}</source>
        <translation>{count} Stehplätze in {section} wählen</translation>
    </message>
</context>
<context>
    <name>StaffExit</name>
    <message>
        <location filename="../../kiosk/ui/lockdown.py" line="-63"/>
        <source>Staff: enter your staff number, then your PIN, to leave kiosk mode</source>
        <translation>Personal: Personalnummer, dann PIN eingeben, um den Kioskmodus zu verlassen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Cancel and stay in kiosk mode</source>
        <translation>Abbrechen und im Kioskmodus bleiben</translation>
    </message>
</context>
<context>
    <name>StartingScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/out_of_service.py" line="-14"/>
        <source>Starting…</source>
        <translation>Startet …</translation>
    </message>
</context>
<context>
    <name>TicketPrinting</name>
    <message>
        <location filename="../../kiosk/viewmodels/print_words.py" line="+10"/>
        <source>The ticket could not be printed. Please call staff.</source>
        <translation>Das Ticket konnte nicht gedruckt werden. Bitte rufen Sie das Personal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>No printer is set up for this kiosk. Please call staff to print your tickets.</source>
        <translation>Für diesen Automaten ist kein Drucker eingerichtet. Bitte rufen Sie das Personal, um Ihre Tickets zu drucken.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>The printer did not print the ticket. Please call staff.</source>
        <translation>Der Drucker hat das Ticket nicht gedruckt. Bitte rufen Sie das Personal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The ticket printer is full. Please call staff to print your tickets.</source>
        <translation>Der Ticketdrucker ist voll. Bitte rufen Sie das Personal, um Ihre Tickets zu drucken.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The ticket printer is not available. Please call staff to print your tickets.</source>
        <translation>Der Ticketdrucker ist nicht verfügbar. Bitte rufen Sie das Personal, um Ihre Tickets zu drucken.</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Only staff can print these tickets now. Please call staff.</source>
        <translation>Diese Tickets kann jetzt nur das Personal drucken. Bitte rufen Sie das Personal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>There is nothing left to print for this order. Please call staff.</source>
        <translation>Für diese Bestellung gibt es nichts mehr zu drucken. Bitte rufen Sie das Personal.</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>The tickets could not be prepared just now. Try again, or call staff.</source>
        <translation>Die Tickets konnten gerade nicht vorbereitet werden. Versuchen Sie es erneut oder rufen Sie das Personal.</translation>
    </message>
</context>
<context>
    <name>WelcomeScreen</name>
    <message>
        <location filename="../../kiosk/ui/screens/welcome.py" line="+70"/>
        <source>Tickets for tonight and the coming weeks</source>
        <translation>Tickets für heute Abend und die nächsten Wochen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Buy tickets</source>
        <translation>Tickets kaufen</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Help with seeing and hearing</source>
        <translation>Hilfe beim Sehen und Hören</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Tip: press F1 at any time to switch speech on or off.</source>
        <translation>Tipp: Mit F1 schalten Sie die Sprachausgabe jederzeit ein oder aus.</translation>
    </message>
    <message>
        <location line="+5"/>
        <source>Welcome to {venue}</source>
        <translation>Willkommen im {venue}</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Welcome</source>
        <translation>Willkommen</translation>
    </message>
    <message>
        <location line="+11"/>
        <source>on</source>
        <translation>an</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>off</source>
        <translation>aus</translation>
    </message>
    <message>
        <location line="+3"/>
        <source>Speech</source>
        <translation>Sprachausgabe</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>High contrast</source>
        <translation>Hoher Kontrast</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Large text</source>
        <translation>Große Schrift</translation>
    </message>
    <message>
        <location line="+10"/>
        <source>Speech: not available</source>
        <translation>Sprachausgabe: nicht verfügbar</translation>
    </message>
</context>
<context>
    <name>Widgets</name>
    <message>
        <location filename="../../kiosk/ui/hold_bar.py" line="+101"/>
        <source>Your places are held for you for</source>
        <translation>Ihre Plätze sind für Sie reserviert für</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>More time</source>
        <translation>Mehr Zeit</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>More time: keep my places longer</source>
        <translation>Mehr Zeit: meine Plätze länger halten</translation>
    </message>
    <message>
        <location line="+15"/>
        <source>{minutes} minutes {seconds} seconds left</source>
        <translation>noch {minutes} Minuten {seconds} Sekunden</translation>
    </message>
    <message>
        <location line="-44"/>
        <location line="+50"/>
        <source>⚠ Time is almost up. Tap “More time” if you need it.</source>
        <translation>⚠ Die Zeit ist fast um. Tippen Sie auf „Mehr Zeit“, wenn Sie sie brauchen.</translation>
    </message>
    <message>
        <location line="-49"/>
        <location line="+51"/>
        <source>⚠ Time is almost up. Please pay now or cancel.</source>
        <translation>⚠ Die Zeit ist fast um. Bitte bezahlen Sie jetzt oder brechen Sie ab.</translation>
    </message>
    <message>
        <location filename="../../kiosk/ui/widgets.py" line="+141"/>
        <source>Please note:</source>
        <translation>Bitte beachten:</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Problem:</source>
        <translation>Problem:</translation>
    </message>
    <message>
        <location line="+99"/>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <location line="+40"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Confirm the PIN</source>
        <translation>PIN bestätigen</translation>
    </message>
    <message>
        <location line="-1"/>
        <source>{count} digits entered</source>
        <translation>{count} Ziffern eingegeben</translation>
    </message>
    <message>
        <location line="-39"/>
        <source>Clear what was typed</source>
        <translation>Eingabe löschen</translation>
    </message>
    <message>
        <location line="+36"/>
        <source>PIN of staff number {number}</source>
        <translation>PIN von Personalnummer {number}</translation>
    </message>
    <message>
        <location line="+6"/>
        <source>Staff number</source>
        <translation>Personalnummer</translation>
    </message>
    <message>
        <location line="+2"/>
        <source>Staff number {number}</source>
        <translation>Personalnummer {number}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <location line="+0"/>
        <source>Go on to the PIN</source>
        <translation>Weiter zur PIN</translation>
    </message>
    <message>
        <location line="+75"/>
        <source>One fewer, now {n}</source>
        <translation>Einer weniger, jetzt {n}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>One more, now {n}</source>
        <translation>Einer mehr, jetzt {n}</translation>
    </message>
    <message>
        <location line="+1"/>
        <source>{n} places</source>
        <translation>{n} Plätze</translation>
    </message>
</context>
</TS>
