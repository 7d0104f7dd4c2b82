"""The box office's words, as plain Python types.

Glossary:
    venue       a building with a timezone; it owns seating plans.
    plan        a seating plan: sections, each seated (rows of seats) or standing (a capacity).
    concert     one performance on one plan, with price categories, a sales window and rules.
    place       one sellable unit of a concert: a seat, or one standing place of a standing section.
    hold        places kept for one buyer for a short time; lapses by itself.
    order       a paid checkout of a hold; has a short human-readable code.
    ticket      one place of an order, with a serial; valid or void.
    scan        one check-in attempt at a gate.
    device      a kiosk or door station; pending until a manager approves it.
    staff       a person with a role: admin, manager, box_office or door.
    actor       who acts: a staff member or a device.
"""
