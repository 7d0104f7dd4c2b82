"""The words of the buyer's mails (tickets, reminders) in each language the kiosk sells in.

One small catalogue per language, as core/tickets/words.py does for the printed ticket: the mail is written in
the order's language, the one its attached tickets print in. Dates and money come from core.domain.local_formats.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.local_formats import base_language

__all__ = ["ENGLISH", "WORDS", "MailWords", "mail_words"]


@dataclass(frozen=True, slots=True)
class MailWords:
    """Sentences are str.format templates; their fields are named in each one."""

    concert: str
    venue: str
    date: str
    tickets: str
    total_paid: str
    order_code: str
    one_ticket: str
    many_tickets: str
    """'{count} tickets'."""
    ticket_subject: str
    """'{artist}', '{when}'."""
    ticket_intro: str
    """'{count}' (one_ticket / many_tickets), '{artist}', '{filename}'."""
    ticket_outro: str
    reminder_subject: str
    reminder_intro: str
    reminder_outro: str
    demo_note: str
    signature: str

    def count(self, n: int) -> str:
        return self.one_ticket if n == 1 else self.many_tickets.format(count=n)


ENGLISH = MailWords(
    concert="Concert",
    venue="Venue",
    date="Date",
    tickets="Tickets",
    total_paid="Total paid",
    order_code="Order code",
    one_ticket="1 ticket",
    many_tickets="{count} tickets",
    ticket_subject="Your tickets for {artist} – {when}",
    ticket_intro="Thank you for your order. Attached as {filename}: {count} for {artist}.",
    ticket_outro="Print the PDF or show it on your phone at the door. Each QR code admits one person once.",
    reminder_subject="Reminder: {artist} – {when}",
    reminder_intro="A reminder: {artist} plays soon, and you have tickets.",
    reminder_outro="Bring the tickets we sent with your order, printed or on your phone.",
    demo_note="These are DEMO tickets from a test system. They are not valid for entry.",
    signature="Encore box office",
)

WORDS: dict[str, MailWords] = {
    "en": ENGLISH,
    "de": MailWords(
        concert="Konzert",
        venue="Ort",
        date="Datum",
        tickets="Tickets",
        total_paid="Bezahlt",
        order_code="Bestellnummer",
        one_ticket="1 Ticket",
        many_tickets="{count} Tickets",
        ticket_subject="Ihre Tickets für {artist} – {when}",
        ticket_intro="Vielen Dank für Ihre Bestellung. Im Anhang ({filename}) finden Sie {count} für {artist}.",
        ticket_outro=(
            "Drucken Sie das PDF aus oder zeigen Sie es am Einlass auf dem Handy. Jeder QR-Code gewährt einer "
            "Person einmal Einlass."
        ),
        reminder_subject="Erinnerung: {artist} – {when}",
        reminder_intro="Zur Erinnerung: {artist} spielt bald, und Sie haben Tickets.",
        reminder_outro="Bringen Sie die Tickets aus Ihrer Bestellung mit, ausgedruckt oder auf dem Handy.",
        demo_note="Dies sind DEMO-Tickets aus einem Testsystem. Sie gelten nicht für den Einlass.",
        signature="Encore Ticketkasse",
    ),
    "es": MailWords(
        concert="Concierto",
        venue="Lugar",
        date="Fecha",
        tickets="Entradas",
        total_paid="Total pagado",
        order_code="Código de pedido",
        one_ticket="1 entrada",
        many_tickets="{count} entradas",
        ticket_subject="Sus entradas para {artist} – {when}",
        ticket_intro="Gracias por su compra. Adjuntamos {count} para {artist} en {filename}.",
        ticket_outro=(
            "Imprima el PDF o muéstrelo en su móvil en la puerta. Cada código QR da acceso a una persona "
            "una sola vez."
        ),
        reminder_subject="Recordatorio: {artist} – {when}",
        reminder_intro="Le recordamos que {artist} actúa pronto y usted tiene entradas.",
        reminder_outro="Traiga las entradas que le enviamos con su pedido, impresas o en el móvil.",
        demo_note="Estas son entradas DEMO de un sistema de pruebas. No son válidas para entrar.",
        signature="Taquilla Encore",
    ),
}


def mail_words(language: str) -> MailWords:
    """The words in ``language`` ('de', 'de_AT'), else English."""
    return WORDS.get(language) or WORDS.get(base_language(language)) or ENGLISH
