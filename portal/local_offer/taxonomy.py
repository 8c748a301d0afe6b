"""The Local Offer's fixed vocabularies, with translated labels. Areas (districts) come from the data."""

from flask_babel import lazy_gettext as _l

NEEDS = {
    "communication-interaction": _l("Communication and interaction"),
    "cognition-learning": _l("Cognition and learning"),
    "social-emotional-mental-health": _l("Social, emotional and mental health"),
    "sensory-physical": _l("Sensory and physical needs"),
}
SERVICE_TYPES = {
    "health": _l("Health"),
    "education": _l("Education"),
    "social-care": _l("Social care"),
    "leisure": _l("Leisure and activities"),
    "support-group": _l("Support groups"),
    "advice": _l("Information and advice"),
    "short-breaks": _l("Short breaks"),
    "transport": _l("Transport"),
    "preparing-for-adulthood": _l("Preparing for adulthood"),
}
COSTS = {"free": _l("Free"), "paid": _l("Paid"), "funded": _l("Funded (council, NHS or personal budget)")}
DELIVERY = {"in-person": _l("In person"), "online": _l("Online"), "at-home": _l("At home")}
PHASES = {
    "early-years": _l("Early years (0 to 4)"),
    "primary": _l("Primary (4 to 11)"),
    "secondary": _l("Secondary (11 to 16)"),
    "post-16": _l("Post-16 (16 to 25)"),
}
SETTING_TYPES = {
    "mainstream": _l("Mainstream"),
    "resourced-provision": _l("Mainstream with resourced provision"),
    "special": _l("Special school"),
    "independent-special": _l("Independent special school"),
    "ap-targeted": _l("Alternative provision: targeted support in mainstream"),
    "ap-time-limited": _l("Alternative provision: time-limited placement"),
    "ap-transitional": _l("Alternative provision: transitional placement"),
}
# Mainstream first, as the SEND and AP Improvement Plan (2023) asks, then by how specialist the setting is.
SETTING_TYPE_ORDER = list(SETTING_TYPES)
AGE_BANDS = {
    "0-4": (0, 4, _l("0 to 4 years")),
    "5-10": (5, 10, _l("5 to 10 years")),
    "11-15": (11, 15, _l("11 to 15 years")),
    "16-18": (16, 18, _l("16 to 18 years")),
    "19-25": (19, 25, _l("19 to 25 years")),
}
# Taxonomies stored as terms on each listing (ORUK taxonomy terms). Age is numeric, not a term.
TAXONOMIES = {
    "need": NEEDS,
    "type": SERVICE_TYPES,
    "cost": COSTS,
    "delivery": DELIVERY,
    "phase": PHASES,
    "setting-type": SETTING_TYPES,
}
TAXONOMY_NAMES = {
    "need": _l("Area of need"),
    "type": _l("Type of service"),
    "cost": _l("Cost"),
    "delivery": _l("How it is delivered"),
    "phase": _l("Phase of education"),
    "setting-type": _l("Type of setting"),
    "area": _l("Area"),
}
