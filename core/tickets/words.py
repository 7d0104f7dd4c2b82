"""The few words a ticket prints, in each language the kiosk sells in, and its dates and money in that language.

A dict per language rather than gettext: a dozen captions do not need a compiled catalogue. Dates, times and
money come from core.domain.local_formats (Babel/CLDR), shared with the mail and the kiosk.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.local_formats import (
    base_language,
    date_text,
    locale_for,
    money_text,
    time_text,
    weekday_text,
)

__all__ = [
    "ENGLISH",
    "WORDS",
    "TicketWords",
    "date_text",
    "locale_for",
    "money_text",
    "time_text",
    "weekday_text",
    "words_for",
]


@dataclass(frozen=True, slots=True)
class TicketWords:
    section: str
    kind: str
    """The caption over 'Standing' on a ticket without a seat."""
    standing: str
    row: str
    seat: str
    category: str
    price: str
    order: str
    ticket: str
    tickets: str
    doors: str
    start: str
    admit_one: str
    demo_band: str
    demo_stub: str
    not_valid: str
    """Beside the big DEMO mark."""
    small_print: str


ENGLISH = TicketWords(
    section="Section",
    kind="Entry",
    standing="Standing",
    row="Row",
    seat="Seat",
    category="Category",
    price="Price",
    order="Order",
    ticket="Ticket",
    tickets="tickets",
    doors="Doors",
    start="Start",
    admit_one="ADMIT ONE",
    demo_band="DEMO — NOT VALID FOR ENTRY",
    demo_stub="DEMO — NOT VALID",
    not_valid="NOT VALID FOR ENTRY",
    small_print=(
        "Valid for one admission only. Non-transferable and not for resale; "
        "a resold ticket may be cancelled without refund. No refund or exchange except where the law or the "
        "organiser's terms provide for one. Keep this ticket dry and flat; the QR code is checked at the door "
        "and only its first scan admits."
    ),
)

WORDS: dict[str, TicketWords] = {
    "en": ENGLISH,
    "de": TicketWords(
        section="Bereich",
        kind="Platzart",
        standing="Stehplatz",
        row="Reihe",
        seat="Platz",
        category="Kategorie",
        price="Preis",
        order="Bestellung",
        ticket="Ticket",
        tickets="Tickets",
        doors="Einlass",
        start="Beginn",
        admit_one="EINLASS FÜR EINE PERSON",
        demo_band="DEMO — KEIN GÜLTIGER EINLASS",
        demo_stub="DEMO — UNGÜLTIG",
        not_valid="KEIN GÜLTIGER EINLASS",
        small_print=(
            "Gilt für einen einmaligen Einlass. Nicht übertragbar und nicht zum Weiterverkauf; ein "
            "weiterverkauftes Ticket kann ohne Erstattung storniert werden. Keine Erstattung und kein Umtausch, "
            "außer wo Gesetz oder Veranstalterbedingungen es vorsehen. Ticket trocken und glatt aufbewahren; "
            "der QR-Code wird am Eingang geprüft und nur der erste Scan gewährt Einlass."
        ),
    ),
    "es": TicketWords(
        section="Zona",
        kind="Tipo",
        standing="De pie",
        row="Fila",
        seat="Asiento",
        category="Categoría",
        price="Precio",
        order="Pedido",
        ticket="Entrada",
        tickets="entradas",
        doors="Puertas",
        start="Inicio",
        admit_one="ENTRADA INDIVIDUAL",
        demo_band="DEMO — NO VÁLIDA PARA ENTRAR",
        demo_stub="DEMO — NO VÁLIDA",
        not_valid="NO VÁLIDA PARA ENTRAR",
        small_print=(
            "Válida para una sola entrada. Personal e intransferible, prohibida su reventa; una entrada "
            "revendida puede anularse sin reembolso. Sin devoluciones ni cambios salvo cuando la ley o las "
            "condiciones del organizador lo prevean. Conserve la entrada seca y lisa; el código QR se comprueba "
            "en la puerta y solo el primer escaneo da acceso."
        ),
    ),
}


def words_for(language: str) -> TicketWords:
    """The words in ``language`` ('de', 'de_AT'), else English."""
    return WORDS.get(language) or WORDS.get(base_language(language)) or ENGLISH
