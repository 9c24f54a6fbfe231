"""Regular expressions behind the de-identification guard, compiled once at import.

Each pattern is written so that it cannot backtrack catastrophically: repeated groups are
separated by mandatory delimiters or bounded, runs of particles that can be read two ways
("van der", "de la") are possessive (*+), and most patterns open with a cheap lookbehind that
rejects a start position in the middle of a word or of a longer number.
"""

import re

# Letters as French, Belgian and English names spell them; \w would also take digits and "_".
UP = "A-ZÀ-ÖØ-ÞŒŸ"
LOW = "a-zß-öø-ÿœ"

# French and English month names, full names before their abbreviations so "mars" wins over "mar".
_MONTHS = (
    r"(?i:janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre"
    r"|decembre|january|february|march|april|may|june|july|august|september|october|november|december"
    r"|janv|févr|fevr|fév|fev|avr|juil|sept|déc|dec|jan|feb|mar|apr|jun|jul|aug|sep|oct|nov)\.?(?!\w)"
)
_DAY = r"(?:0?[1-9]|[12]\d|3[01])"
_YEAR = r"(?:1[89]\d\d|20\d\d)"

# --- NIR -----------------------------------------------------------------------------------
# Sex, year, month, place (département + commune: 2+3 digits, 2A/2B for Corsica, or 3+2 for
# overseas 97x/98x), order, key; written compact or grouped. Validity (month, département,
# mod-97 key) is checked in code, so a random 15-digit number is almost never taken for one.
# Between groups: space, no-break spaces (French typography), dot or hyphen, or nothing.
NIR_SEPARATOR = "[ .\u00a0\u202f-]"
NIR = re.compile(
    rf"""
    (?<![\w.,+/-])
    (?P<sex>[1-478]) {NIR_SEPARATOR}?
    (?P<year>\d\d) {NIR_SEPARATOR}?
    (?P<month>\d\d) {NIR_SEPARATOR}?
    (?P<place>(?:\d\d|2[ABab]){NIR_SEPARATOR}?\d{{3}} | \d{{3}}{NIR_SEPARATOR}?\d\d) {NIR_SEPARATOR}?
    (?P<order>\d{{3}}) {NIR_SEPARATOR}?
    (?P<key>\d\d)
    (?!\w|[.,]\d)
    """,
    re.VERBOSE,
)

# --- Names after a civility --------------------------------------------------------------------
# "M." and the English forms are case-sensitive: "ms" is milliseconds, "MR" mitral regurgitation,
# "MS" multiple sclerosis. The name must be capitalised, so "M. tuberculosis" never matches.
# "Dr", "Pr" are not civilities here: a colleague's name is not a patient identifier.
_CIVILITY = (
    r"(?<![\w.])(?:M\.|Mrs\b\.?|Mr\b\.?|Ms\b\.?|[Mm]me\b\.?|[Mm]lle\b\.?"
    r"|[Mm]onsieur\b|[Mm]adame\b|[Mm]ademoiselle\b|MONSIEUR\b|MADAME\b)"
)
# A title after the civility ("Monsieur le Professeur", "Madame la Directrice") is not a name.
_TITLE = (
    r"(?:(?:le|la|Le|La)\s+)?(?:Dr|Docteur|Pr|Prof|Professeur|Ma[îi]tre|Me|Président|Présidente"
    r"|Directeur|Directrice|Ministre|Maire)\b"
)
# Particles and articles that open a surname: "de La Tour", "Le Gall", "d'Artagnan", "van der Berg".
_PARTICLE = (
    r"(?:(?:de\s+la|de|du|des|van\s+der|van\s+den|van|von|der|den|di|da|del|della|dos"
    r"|De|Du|Des|Le|La|Van|Von|Di|Da|Del|El|Ben|Ibn)\s+|[dD]['’])"
)
# "D." or "J.-P."; then a name word: "Dupont", "DUPONT", "McGregor", "Jean-Pierre", "O'Brien".
_INITIAL = rf"[{UP}]\.(?:-[{UP}]\.)?"
_NAME_WORD = rf"[{UP}][{UP}{LOW}]*(?:[-'’][{UP}][{UP}{LOW}]*)*"
_NAME_TOKEN = rf"{_PARTICLE}*+(?:{_INITIAL}|{_NAME_WORD})"
# Capitalised words that start the next sentence after an initial ("Mme D. Elle présente...")
# or that are clinical abbreviations, unless a capitalised word follows ("Le Gall").
_STOP = (
    r"(?:Il|Elle|Ils|Elles|Le|La|Les|L|Un|Une|On|Nous|Je|Son|Sa|Ses|Au|Aux|En|Dans|Depuis|Puis|Après"
    r"|Avant|Ce|Cette|Ces|Chez|Par|Pour|Sur|Sans|Avec|Lors|Pas|Vu|Vue|Adressé|Adressée|The|He|She|His"
    r"|Her|It|They|We|In|On|At|After|Before|This|ECG|IRM|TDM|HTA|TA|FC|CRP|ATCD|AVC|BPCO)\b(?!\s[{UP}])"
)
NAME = re.compile(
    rf"{_CIVILITY}\s+(?!{_TITLE})(?P<name>{_NAME_TOKEN}(?:\s+(?!{_STOP}){_NAME_TOKEN}){{0,2}}"
    rf"(?:\s+(?:née|ép\.|épouse)\s+{_NAME_TOKEN})?)"
)
# Conventional placeholders clinicians already use to anonymise: "M. X", "Mme Y.", "M. XXX".
NAME_PLACEHOLDER = re.compile(r"[XYZ]\.?|X{2,}\.?")

# --- Dates of birth ---------------------------------------------------------------------------
# Only a date in a birth context is flagged: consultation and exam dates fill case write-ups.
_BIRTH_CONTEXT = (
    r"(?i:\bn[ée]e?s?(?:\(e\))?(?:\s+à\s+[^\W\d_][\w'’-]*)?"  # né, née, né(e), né à Lyon
    r"|\bDDN|\bD\.D\.N\.?|\bdate\s+de\s+naissance|\bnaissance|\bdate\s+of\s+birth|\bbirth\s*date"
    r"|\bborn|\bDOB|\bD\.O\.B\.?)"
)
_DATE = (
    rf"(?:\d\d?[/.-]\d\d?[/.-](?:\d{{4}}|\d\d)"  # 12/03/1954, 3.3.54; either day or month first
    rf"|{_YEAR}-\d\d-\d\d"  # ISO 1954-03-12
    rf"|{_DAY}(?:er|st|nd|rd|th)?\s+{_MONTHS}\s+{_YEAR}"  # 3 mars 1954, 1er mars 1954, 3rd March 1954
    rf"|{_MONTHS}\s+{_DAY}(?:st|nd|rd|th)?,?\s+{_YEAR})"  # March 3, 1954
    r"(?!\d)"
)
# Between context and date only punctuation and "le"/"on"/"the": "née le : 3 mars 1954", "DOB: ...".
_BIRTH_FILLER = r"(?:\s*(?:[:=,-]|(?i:le|on|the)\b)){0,3}\s*"
BIRTH_DATE = re.compile(rf"{_BIRTH_CONTEXT}{_BIRTH_FILLER}(?P<date>{_DATE})")

# --- Phone numbers ----------------------------------------------------------------------------
# Never the tail of a longer number ("1 84 12 76 451 089 46") nor a "J+3" or "x/j" fragment.
PHONE = re.compile(
    r"""
    (?<![\w+/.,])(?<!\d[ .-])
    (?:
        (?P<intl>(?:(?:\+|00)[1-9]\d{0,2} | \(\+[1-9]\d{0,2}\))  # country code: +33, 0044, (+32)
            (?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,6} | [ .-]\d{1,6})   # "(0)" trunk prefix, "(514)", or a group
            (?:[ .-]\d{1,6})*)                                 # groups always separated: no backtracking
      | (?P<compact>\+[1-9]\d{7,14})                     # +33612345678
      | 0[1-9](?P<sep>[ .-]?)\d\d(?:(?P=sep)\d\d){3}    # French 06 12 34 56 78, one separator kind
      | 0[1-9][ ./-]\d{3}[ .-]\d\d[ .-]\d\d             # Belgian 02 123 45 67, 02/123.45.67
      | 0[1-9]\d[ ./-]\d\d[ .-]\d\d[ .-]\d\d            # Belgian 010 12 34 56
      | 04\d\d[ ./-]\d\d[ .-]\d\d[ .-]\d\d              # Belgian mobile 0475 12 34 56
    )
    (?!\d)(?!\s?(?:%|[µm]?mol|mg|g/|UI|mmHg|ms\b|bpm|h\b))  # a series of values, not a number
    """,
    re.VERBOSE,
)

# --- E-mail -----------------------------------------------------------------------------------
# The lookbehind pins the start to the beginning of the local part, so a long word is scanned once.
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}\b")

# --- Street addresses -------------------------------------------------------------------------
_STREET_TYPE = (
    r"(?i:rue|avenue|av|boulevard|bd|chemin|impasse|imp|allée|allee|place|route|rte|quai|cours"
    r"|square|chaussée|chaussee|faubourg|passage|voie|villa|résidence|residence|hameau|sentier"
    r"|rond-point|esplanade|promenade|parvis|lotissement|lieu-dit|lieudit|drève)(?![\w-])\.?"
)
_STREET_PARTICLE = r"(?i:(?:de\s+la|de|du|des|la|le|les|aux|au)\s+|[ld]['’])"
# A street name is capitalised ("des Lilas", "Jean Jaurès", "de l'Église"), which keeps
# "3 cours d'éducation thérapeutique" and "1 place en SSR" out; or it is a date ("du 8 Mai 1945").
_STREET_TOKEN = rf"{_STREET_PARTICLE}*+(?:{_DAY}(?:er)?\s+{_MONTHS}(?:\s+{_YEAR})?|[{UP}][\w'’]*(?:-[\w'’]+)*)"
_STREET_NAME = rf"{_STREET_TOKEN}(?:[ ]+{_STREET_TOKEN}){{0,3}}"
# A postcode and town right after the street belong to the same finding.
_TOWN = rf"(?:,?[ ]+(?:\d{{5}}|[1-9]\d{{3}})[ ]+[{UP}][\w'’]*(?:-[\w'’]+)*)?"
# A house number must not be a dose, a duration or a count ("rue de Lyon 3 fois").
_NOT_A_UNIT = r"(?!\s*(?:%|(?:ans?|mois|jours?|j|h|min|fois|mg|g|kg|ml|mL|L|cm|mm)\b))"
# One pattern per way of writing an address: as separate patterns they run twice as fast as
# one alternation, because each can fail early at most positions.
ADDRESSES = (
    # French: 12 rue des Lilas, 3 bis avenue Jean Jaurès, 75012 Paris
    re.compile(
        rf"(?<![\w.,/+-])\d{{1,4}}(?:[ ]?(?:bis|ter|quater|[A-Da-d]))?,?[ ]+{_STREET_TYPE}[ ]+{_STREET_NAME}{_TOWN}"
    ),
    # Belgian, number after the street: rue de la Loi 16, 1000 Bruxelles
    re.compile(
        rf"(?<![\w-]){_STREET_TYPE}[ ]+{_STREET_NAME},?[ ]+\d{{1,4}}(?:[ ]?bis|[A-D])?(?![\w.,]\d|\w)"
        rf"{_NOT_A_UNIT}{_TOWN}"
    ),
    # Flemish: Kerkstraat 12
    re.compile(
        rf"\b[{UP}][{LOW}]+(?:straat|laan|plein|steenweg|weg|dreef|lei|kaai|markt)[ ]+\d{{1,4}}[a-zA-Z]?\b{_TOWN}"
    ),
    # English: 221B Baker Street, 10 Downing St
    re.compile(
        rf"(?<![\w.,/+-])\d{{1,5}}[A-Za-z]?,?[ ]+(?:[{UP}][{LOW}]+[ ]+){{1,3}}"
        r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Close|Way|Court|Crescent|Terrace|Grove"
        r"|Gardens|Place|Square|Boulevard|Blvd|Row|Mews|Walk|Parkway)\b"
    ),
    # A lieu-dit has no house number: lieu-dit Les Granges
    re.compile(rf"(?<![\w-])(?i:lieu-dit|lieudit)[ ]+{_STREET_NAME}"),
)

# --- Hospital record numbers --------------------------------------------------------------------
# Only the identifier after the label is flagged; it must hold a digit ("IPP inconnu" is not one).
RECORD_NUMBER = re.compile(
    r"""
    (?:\b(?:IPP|NDA|NIP|MRN)\b | \b(?:NHS|[Hh]ospital)[ ](?:number|no)\b\.? | \b(?i:patient[ ]ID|ID[ ]patient)\b
      | (?i:\b(?:n°|no\.?|num[ée]ro|numero)[ ](?:de[ ])?(?:dossier|séjour|sejour)
            |\b(?:dossier|séjour|sejour)[ ](?:n°|no\.?|num[ée]ro))
      | (?i:\bn°[ ]?(?:IPP|NDA)))
    [ ]*(?:(?i:n°|no\b\.?|num[ée]ro|number|\#)[ ]*)?[:=\#]?[ ]*
    (?P<id>[A-Za-z0-9][A-Za-z0-9/-]{3,18}[A-Za-z0-9])(?![\w/-])
    """,
    re.VERBOSE,
)
