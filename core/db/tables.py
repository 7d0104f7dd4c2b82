"""The schema, as SQLAlchemy Core tables. Migrations in core/db/migrations build exactly this."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    UniqueConstraint,
    func,
    text,
)

from core.db.types import UtcDateTime as _UtcDateTime

# Stable constraint names, so migrations and error mapping can refer to them on both engines.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

UtcDateTime = _UtcDateTime()
# BigInteger ids on PostgreSQL, INTEGER PRIMARY KEY (rowid alias) on SQLite.
Id = BigInteger().with_variant(Integer(), "sqlite")

venues = Table(
    "venues",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

seating_plans = Table(
    "seating_plans",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("venue_id", Id, ForeignKey("venues.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("venue_id", "name"),
)

sections = Table(
    "sections",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("plan_id", Id, ForeignKey("seating_plans.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("capacity", Integer, nullable=False),
    Column("sort_order", Integer, nullable=False, server_default="0"),
    # The name in other languages as the venue entered them, {"de": "Parkett"}; none: the name alone.
    Column("translations", JSON, nullable=True),
    UniqueConstraint("plan_id", "name"),
    CheckConstraint("kind IN ('seated', 'standing')", name="kind"),
    CheckConstraint("capacity >= 0", name="capacity"),
)

seats = Table(
    "seats",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("section_id", Id, ForeignKey("sections.id"), nullable=False),
    Column("row_label", String(16), nullable=False),
    Column("number", Integer, nullable=False),
    Column("x", Float, nullable=False),
    Column("y", Float, nullable=False),
    Column("accessible", Boolean, nullable=False, server_default=text("false")),
    Column("companion", Boolean, nullable=False, server_default=text("false")),
    Column("restricted_view", Boolean, nullable=False, server_default=text("false")),
    # Why the seat is never sold ('Sound desk'); '' when it is for sale. Concerts start with it blocked.
    Column("blocked", String(40), nullable=False, server_default=""),
    UniqueConstraint("section_id", "row_label", "number"),
)

concerts = Table(
    "concerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("title", String(200), nullable=False),
    Column("artist", String(200), nullable=False),
    Column("venue_id", Id, ForeignKey("venues.id"), nullable=False),
    Column("plan_id", Id, ForeignKey("seating_plans.id"), nullable=False),
    Column("doors_at", UtcDateTime, nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("sales_open_at", UtcDateTime, nullable=False),
    Column("sales_close_at", UtcDateTime, nullable=False),
    Column("status", String(16), nullable=False, server_default="draft"),
    Column("max_per_order", Integer, nullable=False, server_default="8"),
    Column("hold_seconds", Integer, nullable=False, server_default="300"),
    Column("max_extensions", Integer, nullable=False, server_default="10"),
    Column("reentry_allowed", Boolean, nullable=False, server_default=text("false")),
    # Scans before this time say TOO EARLY; empty means doors_at.
    Column("checkin_opens_at", UtcDateTime, nullable=True),
    Column("currency", String(3), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("status IN ('draft', 'on_sale', 'sales_closed', 'cancelled')", name="status"),
    CheckConstraint("max_per_order >= 1", name="max_per_order"),
    CheckConstraint("hold_seconds >= 30", name="hold_seconds"),
)

price_categories = Table(
    "price_categories",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("name", String(100), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("colour", String(9), nullable=False),
    Column("translations", JSON, nullable=True),
    UniqueConstraint("concert_id", "name"),
    CheckConstraint("price_minor >= 0", name="price"),
)

# A category applies to a whole section, or to single seats (which win over their section's).
price_assignments = Table(
    "price_assignments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("category_id", Id, ForeignKey("price_categories.id"), nullable=False),
    Column("section_id", Id, ForeignKey("sections.id"), nullable=True),
    Column("seat_id", Id, ForeignKey("seats.id"), nullable=True),
    CheckConstraint("(section_id IS NULL) <> (seat_id IS NULL)", name="target"),
    UniqueConstraint("concert_id", "section_id", "seat_id"),
)

places = Table(
    "places",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("section_id", Id, ForeignKey("sections.id"), nullable=False),
    Column("seat_id", Id, ForeignKey("seats.id"), nullable=True),
    Column("category_id", Id, ForeignKey("price_categories.id"), nullable=False),
    Column("state", String(8), nullable=False, server_default="free"),
    Column("hold_id", String(32), nullable=True),
    Column("held_until", UtcDateTime, nullable=True),
    Column("ticket_id", Id, nullable=True),
    # The standing pick orders by (pick_order, id). Only ix_places_free provides that order, so the planner
    # cannot wander onto the primary key and walk past every sold place (PostgreSQL ties the two otherwise,
    # measured in tests/core/db/test_query_plans.py). It can also rank places, e.g. fill a floor front first.
    Column("pick_order", Integer, nullable=False, server_default="0"),
    CheckConstraint("state IN ('free', 'held', 'sold', 'blocked')", name="state"),
    CheckConstraint("(state = 'held') = (hold_id IS NOT NULL AND held_until IS NOT NULL)", name="held"),
    CheckConstraint("(state = 'sold') = (ticket_id IS NOT NULL)", name="sold"),
    UniqueConstraint("concert_id", "seat_id"),
    UniqueConstraint("ticket_id"),
    # The standing pick walks free places in order: ORDER BY pick_order, id LIMIT n FOR UPDATE SKIP LOCKED on
    # this partial index stays an index scan however full the section gets (sold and held rows are not in it).
    Index(
        "ix_places_free",
        "concert_id",
        "section_id",
        "pick_order",
        "id",
        postgresql_where=text("state = 'free'"),
        sqlite_where=text("state = 'free'"),
    ),
    # Lapsed holds are takeable too; this finds them without a job having released them. Only a statement
    # that bounds held_until (held_until <= :now implies IS NOT NULL) can use it: a lookup by hold_id or id
    # with state = 'held' could too otherwise, and with statistics taken before the sale the planner counts
    # this index empty and walks every held place instead of ix_places_hold_id (migration 0013).
    Index(
        "ix_places_held",
        "concert_id",
        "section_id",
        "held_until",
        postgresql_where=text("state = 'held' AND held_until IS NOT NULL"),
        sqlite_where=text("state = 'held' AND held_until IS NOT NULL"),
    ),
    # Only held places have a hold_id: the partial index keeps the NULLs of every free and sold place out,
    # so selling or releasing a place writes no entry here (migration 0010 has the measurements).
    # hold_id = :x implies the predicate, so every lookup by hold can use it.
    Index(
        "ix_places_hold_id",
        "hold_id",
        postgresql_where=text("hold_id IS NOT NULL"),
        sqlite_where=text("hold_id IS NOT NULL"),
    ),
)

holds = Table(
    "holds",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("device_id", Id, ForeignKey("devices.id"), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("place_count", Integer, nullable=False),
    # The kiosk's key for this hold request: a retry after a lost reply gets the same hold, not a second one.
    Column("request_key", String(100), nullable=True, unique=True),
    Column("extensions", Integer, nullable=False, server_default="0"),
    Column("state", String(16), nullable=False, server_default="active"),
    CheckConstraint("state IN ('active', 'released', 'checked_out')", name="state"),
    Index("ix_holds_state_expires_at", "state", "expires_at"),
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("code", String(12), nullable=False, unique=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("hold_id", String(32), ForeignKey("holds.id"), nullable=False, unique=True),
    Column("idempotency_key", String(100), nullable=False, unique=True),
    Column("actor", String(64), nullable=False),
    Column("device_id", Id, ForeignKey("devices.id"), nullable=True),
    Column("status", String(16), nullable=False, server_default="paid"),
    Column("total_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("payment_method", String(32), nullable=False),
    Column("payment_reference", String(200), nullable=False),
    Column("buyer_email", String(320), nullable=True),
    Column("demo", Boolean, nullable=False, server_default=text("false")),
    Column("created_at", UtcDateTime, nullable=False),
    # The buyer's language at the sale ('de'): the tickets print in it, whoever prints them again.
    Column("language", String(16), nullable=False, server_default="en"),
    CheckConstraint("status IN ('paid', 'partly_refunded', 'refunded')", name="status"),
    # The admin's order search (migration 0017): the latest first within a day range, a code's first characters.
    Index("ix_orders_created_at", "created_at", "id"),
    Index("ix_orders_code_pattern", "code", postgresql_ops={"code": "varchar_pattern_ops"}),
)
# ... and the start of the buyer's address in any case.
Index(
    "ix_orders_buyer_email_lower",
    func.lower(orders.c.buyer_email).label("buyer_email_lower"),
    postgresql_ops={"buyer_email_lower": "varchar_pattern_ops"},
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("serial", String(20), nullable=False, unique=True),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False, index=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("place_id", Id, ForeignKey("places.id"), nullable=False),
    Column("category_id", Id, ForeignKey("price_categories.id"), nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("state", String(8), nullable=False, server_default="valid"),
    Column("print_count", Integer, nullable=False, server_default="0"),
    Column("issued_at", UtcDateTime, nullable=False),
    # The QR code's signature, made at checkout: any station can print it again. The server's key signs
    # (signing_key_id); tickets sold before the venue server existed name the selling device's key (key_id).
    Column("key_id", Id, ForeignKey("device_keys.id"), nullable=True),
    Column("signature", LargeBinary, nullable=True),
    Column("signing_key_id", BigInteger, ForeignKey("signing_keys.id"), nullable=True),
    # Check-in state: one conditional UPDATE of these admits a ticket exactly once.
    Column("inside", Boolean, nullable=False, server_default=text("false")),
    Column("entries", Integer, nullable=False, server_default="0"),
    Column("last_scan_at", UtcDateTime, nullable=True),
    Column("last_gate", String(64), nullable=True),
    CheckConstraint("state IN ('valid', 'void')", name="state"),
)

refunds = Table(
    "refunds",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=False, index=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False, unique=True),
    Column("amount_minor", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("actor", String(64), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

checkins = Table(
    "checkins",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("concert_id", Id, ForeignKey("concerts.id"), nullable=False),
    Column("direction", String(4), nullable=False, server_default="in"),
    Column("gate", String(64), nullable=False),
    Column("device_id", Id, ForeignKey("devices.id"), nullable=True),
    Column("scanned_at", UtcDateTime, nullable=False),
    Column("offline", Boolean, nullable=False, server_default=text("false")),
    Column("undone_at", UtcDateTime, nullable=True),
    # An offline door's own id for the scan: replaying its journal twice records each scan once.
    Column("journal_id", String(36), nullable=True, unique=True),
    CheckConstraint("direction IN ('in', 'out')", name="direction"),
    Index("ix_checkins_device_id_scanned_at", "device_id", "scanned_at"),
)

# A ticket admitted at two doors while they were offline: reported to managers, never dropped.
checkin_conflicts = Table(
    "checkin_conflicts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("ticket_id", Id, ForeignKey("tickets.id"), nullable=False, index=True),
    Column("checkin_id", Id, ForeignKey("checkins.id"), nullable=False, unique=True),
    Column("detected_at", UtcDateTime, nullable=False),
    Column("resolved_at", UtcDateTime, nullable=True),
)

# Every public key a device has had; a ticket names the key that signed it, so rotation keeps old tickets good.
device_keys = Table(
    "device_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("device_id", Id, ForeignKey("devices.id"), nullable=False, index=True),
    Column("public_key", LargeBinary, nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime, nullable=True),
    # Trusted only once a manager approved the device (or this new key of it): a key alone proves nothing.
    Column("trusted", Boolean, nullable=False, server_default=text("false")),
)

# The venue server's ticket-signing keys. Ids start at 2**31, above every device key's, so the one key id a QR
# payload carries names exactly one key; a rotated key is retired (signs no more) but stays trusted.
signing_keys = Table(
    "signing_keys",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("public_key", LargeBinary, nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("retired_at", UtcDateTime, nullable=True),
    Column("trusted", Boolean, nullable=False, server_default=text("true")),
)

# Facts about this database itself, e.g. demo=true on the demo database (its tickets carry a DEMO mark).
site = Table(
    "site",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", String(200), nullable=False),
)

# The staff PIN key's check value (core.security.pin_keys): PINs here were set with that key. One row.
pin_key_check = Table(
    "pin_key_check",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("value", String(64), nullable=False),
    CheckConstraint("id = 1", name="one_row"),
)

# Mail to send: tickets (written with the order's mail request) and staff notices (a sign-in from a new device),
# sent with retries outside the work that queued them.
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False, server_default="tickets"),
    Column("order_id", Id, ForeignKey("orders.id"), nullable=True, index=True),
    Column("to_address", String(320), nullable=False),
    # What a notice says (who, when, how, where); tickets read everything from their order.
    Column("details", JSON, nullable=True),
    Column("status", String(8), nullable=False, server_default="pending"),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", UtcDateTime, nullable=False),
    Column("last_error", String(500), nullable=True),
    # The worker that leased the item: only it may record the outcome (a slow worker cannot undo "sent").
    Column("lease_token", String(32), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime, nullable=True),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    CheckConstraint("kind IN ('tickets', 'sign_in_notice', 'reminder')", name="kind"),
    CheckConstraint("kind != 'tickets' OR order_id IS NOT NULL", name="tickets_have_order"),
    Index("ix_mail_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    # One reminder per order, whoever queues it: the database refuses a second even if two schedulers race.
    Index(
        "uq_mail_outbox_reminder_order",
        "order_id",
        unique=True,
        postgresql_where=text("kind = 'reminder'"),
        sqlite_where=text("kind = 'reminder'"),
    ),
)

staff = Table(
    "staff",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(200), nullable=True),
    # A PIN set before fingerprints (argon2id): checked and replaced by pin_fingerprint at its first right use.
    Column("pin_hash", String(200), nullable=True),
    # HMAC-SHA256 of the PIN under the PIN key (core.security.pin_keys), which is never in the database.
    Column("pin_fingerprint", String(64), nullable=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("created_at", UtcDateTime, nullable=False),
    # Short and unique: a kiosk asks for it (or offers the name) so a PIN is checked against one hash only.
    Column("staff_number", Integer, nullable=False, unique=True),
    CheckConstraint("role IN ('admin', 'manager', 'box_office', 'door')", name="role"),
    CheckConstraint("staff_number BETWEEN 1 AND 999999", name="staff_number"),
    # A PIN is unique among staff, kept by the database itself: two admins setting one PIN at once, one wins.
    Index(
        "uq_staff_pin_fingerprint",
        "pin_fingerprint",
        unique=True,
        postgresql_where=text("pin_fingerprint IS NOT NULL"),
        sqlite_where=text("pin_fingerprint IS NOT NULL"),
    ),
)

# Signed-in staff: only the SHA-256 of the token is kept, so a copy of the table signs nobody in.
staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("staff_id", Id, ForeignKey("staff.id"), nullable=False, index=True),
    Column("note", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime, nullable=True),
)

# The desktops each staff member has signed in from (by a hash of the app's install id): a sign-in from one not
# seen before mails them a notice.
staff_devices = Table(
    "staff_devices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("staff_id", Id, ForeignKey("staff.id"), nullable=False),
    Column("device_hash", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("first_seen_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime, nullable=False),
    UniqueConstraint("staff_id", "device_hash"),
)

# "Remember me": a long-lived token (only its SHA-256 kept) that opens a new session without the password, once
# (each use hands out the next). Signing out of the session it opened revokes it.
staff_remembered = Table(
    "staff_remembered",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("staff_id", Id, ForeignKey("staff.id"), nullable=False, index=True),
    Column("session_id", Id, ForeignKey("staff_sessions.id"), nullable=True, index=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
)

# Wrong passwords per e-mail address and wrong PINs per staff number, with a lock that grows. Keyed by what
# was typed, not by account, so an address or number nobody has locks the same way and says nothing.
attempt_guards = Table(
    "attempt_guards",
    metadata,
    Column("key", String(400), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("lockouts", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

# A try of a secret that is being checked right now (its slow verify under way): reserved under the guard's row
# lock before the verify and deleted when it is settled, so tries at once never outnumber the tries left, yet
# only wrong ones count. One past expires_at was never settled (its request died): it counts as a wrong try.
attempt_reservations = Table(
    "attempt_reservations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("key", String(400), nullable=False, index=True),
    Column("expires_at", UtcDateTime, nullable=False),
)

devices = Table(
    "devices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False, server_default="pending"),
    Column("public_key", LargeBinary, nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    # When it last proved itself with its key (a token, at most every 15 minutes), not every request: the admin
    # app's "last seen" costs no write on the sale's path.
    Column("last_seen_at", UtcDateTime, nullable=True),
    CheckConstraint("kind IN ('kiosk', 'door', 'box_office')", name="kind"),
    CheckConstraint("status IN ('pending', 'approved', 'revoked')", name="status"),
)

# Wrong staff PINs in a row at one payment terminal (a device), and its lockout: kept in the database so a
# restart does not give an attacker fresh tries.
pin_attempts = Table(
    "pin_attempts",
    metadata,
    Column("terminal", String(64), primary_key=True),
    Column("failures", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime, nullable=True),
    Column("updated_at", UtcDateTime, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("details", JSON, nullable=False),
    # The Audit log screen's filters (core/db/audit.py): who (a staff member or a device is one actor value)
    # and what, each walked newest first by id for a page and counted from the index alone; and a period.
    Index("ix_audit_log_actor_id", "actor", "id"),
    Index("ix_audit_log_action_id", "action", "id"),
    Index("ix_audit_log_at", "at"),
)

__all__ = [
    "attempt_guards",
    "attempt_reservations",
    "audit_log",
    "checkin_conflicts",
    "checkins",
    "concerts",
    "device_keys",
    "devices",
    "holds",
    "mail_outbox",
    "metadata",
    "orders",
    "pin_attempts",
    "places",
    "price_assignments",
    "price_categories",
    "refunds",
    "seating_plans",
    "seats",
    "sections",
    "signing_keys",
    "site",
    "staff",
    "staff_devices",
    "staff_remembered",
    "staff_sessions",
    "tickets",
    "venues",
]
