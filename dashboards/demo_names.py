"""The demo's journey stages and touchpoint types in Swedish, Danish and Norwegian Bokmål.

The English names are the demo's own (`demo.STAGES`, `demo.KINDS`); these are what an admin
would enter beside them on the configuration site (touchpoints/translation.py), so that a
Danish agent trying the demo sees Danish tiles.
"""

# English name: (Swedish, Danish, Norwegian Bokmål)
STAGE_NAMES = {
    "Before the trip": ("Före resan", "Før rejsen", "Før reisen"),
    "Check-in": ("Incheckning", "Check-in", "Innsjekking"),
    "Security": ("Säkerhetskontroll", "Sikkerhedskontrol", "Sikkerhetskontroll"),
    "Gate & boarding": ("Gate och ombordstigning", "Gate og boarding", "Gate og ombordstigning"),
    "In flight": ("Ombord", "Om bord", "Om bord"),
    "Arrival": ("Ankomst", "Ankomst", "Ankomst"),
}
TYPE_NAMES = {
    "Booking": ("Bokning", "Booking", "Bestilling"),
    "Phone call": ("Telefonsamtal", "Telefonopkald", "Telefonsamtale"),
    "Chat": ("Chatt", "Chat", "Chat"),
    "Check-in desk": ("Incheckningsdisk", "Check-in-skranke", "Innsjekkingsskranke"),
    "Kiosk help": ("Hjälp vid automat", "Hjælp ved automat", "Hjelp ved automat"),
    "Bag drop": ("Bagagelämning", "Bagageaflevering", "Bagasjeslipp"),
    "Security": ("Säkerhetskontroll", "Sikkerhedskontrol", "Sikkerhetskontroll"),
    "Gate service": ("Service vid gate", "Service ved gaten", "Service ved gate"),
    "Boarding": ("Ombordstigning", "Boarding", "Ombordstigning"),
    "Lounge welcome": ("Välkomnande i loungen", "Velkomst i loungen", "Velkomst i loungen"),
    "In-flight service": ("Service ombord", "Service om bord", "Service om bord"),
    "Arrival": ("Ankomst", "Ankomst", "Ankomst"),
    "Baggage claim": ("Bagageutlämning", "Bagageudlevering", "Bagasjebånd"),
    "Lost baggage desk": ("Borttappat bagage", "Mistet bagage", "Savnet bagasje"),
}

# An extra field the lost-baggage desk asks for, with its options line for line per language.
BAG_FIELD = {
    "type": "Lost baggage desk",
    "key": "bag",
    "label": ("Kind of bag", "Typ av bagage", "Type bagage", "Type bagasje"),
    "choices": (
        "Suitcase\nBackpack\nPushchair\nSports equipment",
        "Resväska\nRyggsäck\nBarnvagn\nSportutrustning",
        "Kuffert\nRygsæk\nBarnevogn\nSportsudstyr",
        "Koffert\nRyggsekk\nBarnevogn\nSportsutstyr",
    ),
}


def per_language(field: str, values: tuple[str, str, str, str]) -> dict[str, str]:
    """`field` in English, Swedish, Danish and Norwegian Bokmål: label_en, label_sv..."""
    return dict(zip([f"{field}_{code}" for code in ("en", "sv", "da", "nb")], values, strict=True))


def in_every_language(names: dict[str, tuple[str, str, str]], english: str) -> dict[str, str]:
    """The model fields that give `english` its name in each language (name_en, name_sv...)."""
    swedish, danish, norwegian = names[english]
    return {"name_en": english, "name_sv": swedish, "name_da": danish, "name_nb": norwegian}
