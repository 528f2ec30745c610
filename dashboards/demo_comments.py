"""What the demo's customers write, and staff note, in the four languages, and the theme
that rises at one station over the last days (feedback/themes tags them as it would live).

Each location's customers write in the languages heard there; at Copenhagen, over the last
`RISING_DAYS` days, bags stop arriving: far more arriving customers answer, and most of
them write about their baggage, mostly in Danish. On the Nordic or Copenhagen manager's
first screen, Baggage tops the themes with a rise beyond chance and a CSAT well below the
rest.
"""

import random

# Where customers come from, per location: (language, weight).
LANGUAGES = {
    "ARN": [("sv", 5), ("en", 3), ("nb", 1), ("da", 1)],
    "CPH": [("da", 5), ("en", 3), ("sv", 1), ("nb", 1)],
    "OSL": [("nb", 5), ("en", 3), ("sv", 1), ("da", 1)],
    "JFK": [("en", 8), ("sv", 1), ("nb", 1)],
}
COMMENTED = 0.45

PRAISE = {
    "en": [
        "Super friendly and quick, thank you!",
        "She went out of her way to help us with the kids.",
        "Smooth and easy, best experience in a long time.",
        "Very helpful, sorted everything in a minute.",
        "Great service, felt well taken care of.",
    ],
    "sv": [
        "Jättetrevlig personal, tack för hjälpen!",
        "Smidig incheckning, ingen kö alls.",
        "Hon löste allt på en minut, mycket kunnig.",
        "Bra service, kände mig väl omhändertagen.",
    ],
    "da": [
        "Meget venligt personale, tusind tak!",
        "Hurtig og nem bagageaflevering.",
        "Han var virkelig dygtig og forklarede alt.",
        "God service, vi følte os godt behandlet.",
    ],
    "nb": [
        "Veldig vennlig personale, tusen takk!",
        "Rask innsjekking, ingen kø.",
        "Hun var dyktig og løste alt med en gang.",
        "God service, vi følte oss godt ivaretatt.",
    ],
}
NEUTRAL = {
    "en": ["It was fine.", "OK, but the queue was long.", "Got what I needed eventually."],
    "sv": ["Det var okej.", "Helt okej, men kön var lång.", "Fick hjälp till slut."],
    "da": ["Det var fint.", "Okay, men køen var lang.", "Fik hjælp til sidst."],
    "nb": ["Det gikk greit.", "Greit nok, men køen var lang.", "Fikk hjelp til slutt."],
}
COMPLAINTS = {
    "en": [
        "Waited far too long and nobody told us anything.",
        "Staff seemed stressed and unhelpful.",
        "I had to explain my problem three times.",
        "Rude answer when I asked for help.",
    ],
    "sv": [
        "Vi fick vänta alldeles för länge och ingen informerade oss.",
        "Personalen var stressad och otrevlig.",
        "Jag fick förklara mitt ärende tre gånger.",
    ],
    "da": [
        "Vi ventede alt for længe, og ingen sagde noget.",
        "Personalet var stresset og uvenligt.",
        "Jeg måtte forklare mit problem tre gange.",
    ],
    "nb": [
        "Vi ventet altfor lenge, og ingen ga beskjed.",
        "Personalet var stresset og uhøflig.",
        "Jeg måtte forklare problemet tre ganger.",
    ],
}
# What goes wrong at a touchpoint, as its customers say it.
TYPE_COMPLAINTS = {
    "Baggage claim": {
        "en": "Waited 50 minutes for my suitcase at the belt.",
        "sv": "Väntade 50 minuter på väskan vid bandet.",
        "da": "Ventede 50 minutter på kufferten ved båndet.",
        "nb": "Ventet 50 minutter på kofferten ved båndet.",
    },
    "Lost baggage desk": {
        "en": "My bag is still missing and nobody can tell me where it is.",
        "sv": "Min väska är fortfarande borta och ingen vet var den är.",
        "da": "Min kuffert er stadig væk, og ingen ved hvor den er.",
        "nb": "Bagasjen min er fortsatt borte, og ingen vet hvor den er.",
    },
    "Security": {
        "en": "The security queue was chaos and we nearly missed the flight.",
        "sv": "Kön i säkerhetskontrollen var kaos, vi missade nästan flyget.",
        "da": "Køen i sikkerhedskontrollen var kaos.",
        "nb": "Køen i sikkerhetskontrollen var kaos.",
    },
    "Phone call": {
        "en": "On hold for 40 minutes before anyone answered.",
        "sv": "Fick vänta i telefonkö i 40 minuter.",
        "da": "Ventede 40 minutter i telefonkø.",
        "nb": "Ventet 40 minutter i telefonkø.",
    },
    "Kiosk help": {
        "en": "The kiosk would not print my bag tag.",
        "sv": "Automaten ville inte skriva ut bagagelappen.",
        "da": "Automaten ville ikke printe mit bagagemærke.",
        "nb": "Automaten ville ikke skrive ut bagasjelappen.",
    },
    "In-flight service": {
        "en": "They ran out of food before our row.",
        "sv": "Maten tog slut innan vagnen kom till oss.",
        "da": "Maden var udsolgt, før vognen nåede os.",
        "nb": "Maten var utsolgt før vogna kom til oss.",
    },
    "Booking": {
        "en": "The app crashed twice while I tried to change my booking.",
        "sv": "Appen kraschade när jag försökte ändra bokningen.",
        "da": "Appen gik ned, da jeg ville ændre min booking.",
        "nb": "Appen krasjet da jeg prøvde å endre bestillingen.",
    },
}
# What staff note about a moment, in their own language (the perception gap for themes).
NOTE_SHARE = 0.12
NOTES = {
    "ARN": [
        "Kunden var arg över den långa kön.",
        "Väskan hade skickats fel, gjorde en anmälan.",
        "Hjälpte till med rullstol till gaten.",
        "Automaten skrev inte ut bagagelappen, fixade manuellt.",
    ],
    "CPH": [
        "Kunden var sur over den lange kø.",
        "Kufferten var ikke kommet med, oprettede en sag.",
        "Hjalp med kørestol til gaten.",
    ],
    "OSL": [
        "Kunden var sint over den lange køen.",
        "Kofferten var sendt feil, opprettet en sak.",
        "Hjalp til med rullestol til gaten.",
    ],
    "JFK": [
        "Customer upset about the long queue.",
        "Bag was misrouted, filed a report.",
        "Wheelchair assistance to the gate.",
    ],
}

# The rise: at this location, these types, over the last days.
RISING_AT = "CPH"
RISING_TYPES = {"Baggage claim", "Lost baggage desk"}
RISING_DAYS = 5
RISING_COMPLAINTS = {
    "da": [
        "Kufferten kom aldrig med flyet.",
        "Vi ventede over en time ved bagagebåndet, og halvdelen af kufferterne manglede.",
        "Min bagage er væk for anden gang på en uge.",
        "Ingen kunne sige, hvornår vores kufferter kommer.",
        "Bagageudleveringen er et kaos i denne uge.",
    ],
    "en": [
        "Our bags never made it onto the plane.",
        "Over an hour at the baggage belt and half the bags were missing.",
        "Lost luggage again, second time this week.",
    ],
}


def language_at(rng: random.Random, code: str) -> str:
    choices = LANGUAGES.get(code, [("en", 1)])
    return rng.choices([lang for lang, _ in choices], weights=[w for _, w in choices])[0]


def comment(rng: random.Random, csat: int, kind_name: str, language: str) -> str:
    if csat >= 4:
        return rng.choice(PRAISE[language])
    if csat == 3:
        return rng.choice(NEUTRAL[language])
    if kind_name in TYPE_COMPLAINTS and rng.random() < 0.6:
        return TYPE_COMPLAINTS[kind_name][language]
    return rng.choice(COMPLAINTS[language])


def is_rising(code: str, kind_name: str, days_ago: int) -> bool:
    return code == RISING_AT and kind_name in RISING_TYPES and days_ago < RISING_DAYS


def rising_comment(rng: random.Random) -> tuple[str, str]:
    language = "da" if rng.random() < 0.75 else "en"
    return rng.choice(RISING_COMPLAINTS[language]), language


def note(rng: random.Random, code: str) -> str:
    return rng.choice(NOTES[code]) if rng.random() < NOTE_SHARE else ""
