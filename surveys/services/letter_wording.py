"""The letters' wording in Welsh, and whether a letter goes out in Welsh as well as English.

A council that writes to residents in both languages (REBALANCE_LETTERS_IN_WELSH) prints each code's letter in
Welsh, then in English, as the Welsh Language Standards ask of councils in Wales. The Welsh here is our own
translation, not yet checked by a translator (surveys.welsh.NOTICES_CHECKED): each Welsh page says so in both
languages. Place names are used as given: the wording avoids the mutations a Welsh place name would take after
"yn" or "i".
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from surveys.welsh import NOTE_CY, NOTE_EN, NOTICES_CHECKED

# The fixed words of a letter's page, in each language.
LABELS = {
    "en": {
        "scan": "Scan the code with your phone's camera:",
        "go_to": "Or go to",
        "type_code": "and type your code:",
        "keep": (
            "Keep this letter: with the code you can stop and carry on later, and see or withdraw your answers "
            "until the survey closes. Each code can be used for one set of answers."
        ),
        "help": "Questions or need help?",
    },
    "cy": {
        "scan": "Sganiwch y cod gyda chamera eich ffôn:",
        "go_to": "Neu ewch i",
        "type_code": "a theipiwch eich cod:",
        "keep": (
            "Cadwch y llythyr hwn: gyda’r cod gallwch stopio a pharhau yn nes ymlaen, a gweld eich atebion neu eu "
            "tynnu’n ôl hyd nes i’r arolwg gau. Gellir defnyddio pob cod ar gyfer un set o atebion."
        ),
        "help": "Cwestiynau neu angen help?",
    },
}

MONTHS_CY = (
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
)

# The Welsh names of the principal areas of Wales, by their English (ONS) names.
AREAS_CY = {
    "Isle of Anglesey": "Ynys Môn",
    "Denbighshire": "Sir Ddinbych",
    "Flintshire": "Sir y Fflint",
    "Wrexham": "Wrecsam",
    "Pembrokeshire": "Sir Benfro",
    "Carmarthenshire": "Sir Gaerfyrddin",
    "Swansea": "Abertawe",
    "Neath Port Talbot": "Castell-nedd Port Talbot",
    "Bridgend": "Pen-y-bont ar Ogwr",
    "Vale of Glamorgan": "Bro Morgannwg",
    "The Vale of Glamorgan": "Bro Morgannwg",
    "Cardiff": "Caerdydd",
    "Caerphilly": "Caerffili",
    "Torfaen": "Tor-faen",
    "Monmouthshire": "Sir Fynwy",
    "Newport": "Casnewydd",
    "Merthyr Tydfil": "Merthyr Tudful",
}


def letter_languages() -> tuple[str, ...]:
    """The languages letters are printed in, in order."""
    return ("cy", "en") if settings.REBALANCE_LETTERS_IN_WELSH else ("en",)


def date_cy(day: dt.date) -> str:
    return f"{day.day} {MONTHS_CY[day.month - 1]} {day.year}"


def council_cy(local_authority_name: str) -> str:
    """ "Cardiff" → "Cyngor Caerdydd"; an area without a Welsh name keeps its own ("Cyngor Gwynedd")."""
    name = local_authority_name.strip().removesuffix(" Council")
    return f"Cyngor {AREAS_CY.get(name, name)}"


def welsh_wording(*, council: str, place: str, closes_on: dt.date, reminder: bool) -> tuple[str, tuple[str, ...]]:
    """A letter's title and paragraphs in Welsh: the invitation, or the reminder for a code not yet used."""
    anonymous = (
        "Mae’n cymryd tua 10 munud. Mae eich atebion yn ddienw: dydyn nhw byth yn cael eu cysylltu â’ch enw na’ch "
        "cyfeiriad, a dim ond ar gyfer grwpiau o breswylwyr y caiff canlyniadau eu cyhoeddi."
    )
    if reminder:
        return (
            f"Nodyn i’ch atgoffa: dywedwch wrthym am fywyd yn eich cymdogaeth ({place})",
            (
                f"Ychydig wythnosau yn ôl ysgrifennodd {council} at breswylwyr {place} i ofyn sut maen nhw’n "
                "teimlo am eu cymdogaeth, eu cyfleoedd i gael gwaith a’r dyfodol. Dydyn ni ddim wedi cael ateb "
                "gyda’r cod ar y llythyr hwn eto: dyma’r un cod ag ar y llythyr cyntaf.",
                f"{anonymous} Os gwnaethoch chi ddechrau a stopio, bydd y cod yn mynd â chi’n ôl i’r man lle "
                "roeddech chi.",
                f"Mae’r arolwg yn cau ar {date_cy(closes_on)}. Os ydych chi wedi ateb ar bapur ers hynny, diolch, "
                "ac anwybyddwch y llythyr hwn.",
            ),
        )
    return (
        f"Dywedwch wrthym am fywyd yn eich cymdogaeth ({place})",
        (
            f"Mae {council} yn gofyn i breswylwyr {place} sut maen nhw’n teimlo am eu cymdogaeth, eu cyfleoedd i "
            "gael gwaith a’r dyfodol. Mae eich atebion yn helpu’r cyngor a grwpiau lleol i benderfynu beth i’w "
            "wneud yn gyntaf.",
            anonymous,
            f"Atebwch erbyn {date_cy(closes_on)}, os gwelwch yn dda. Gallwch ateb yn Gymraeg neu yn Saesneg.",
        ),
    )


def unchecked_note(language: str) -> str:
    """The small print on a Welsh page while its Welsh is unchecked ("" once a translator has checked it)."""
    if language != "cy" or NOTICES_CHECKED:
        return ""
    return f"{NOTE_CY} {NOTE_EN}"
