"""Typed identifiers, so a concert id cannot be passed where a place id is expected."""

from typing import NewType

VenueId = NewType("VenueId", int)
PlanId = NewType("PlanId", int)
SectionId = NewType("SectionId", int)
SeatId = NewType("SeatId", int)
ConcertId = NewType("ConcertId", int)
CategoryId = NewType("CategoryId", int)
PlaceId = NewType("PlaceId", int)
HoldId = NewType("HoldId", str)
OrderId = NewType("OrderId", int)
TicketId = NewType("TicketId", int)
DeviceId = NewType("DeviceId", int)
StaffId = NewType("StaffId", int)
