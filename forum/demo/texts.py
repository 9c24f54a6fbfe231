"""French text material of the demo community: people, places, case scenarios and replies.

Nothing here may identify a patient: no name, date, place or number tied to a patient.
"""

from functools import cache
from pathlib import Path

FIRST_NAMES = (
    "Marie Julien Camille Thomas Claire Nicolas Sophie Antoine Élodie Mathieu Hélène Pierre Laure Yann Anne Loïc "
    "Émilie François Chloé Benoît Inès Karim Nadia Gaëlle Romain Sarah Olivier Aurélie Maëlle Vincent"
).split()
LAST_NAMES = (
    "Bernard|Le Goff|Moreau|Lefebvre|Girard|Bonnet|Mercier|Lambert|Fontaine|Rousseau|Garnier|Chevalier|Morvan|Perrin|"
    "Marchand|Benali|Faure|Guérin|Robin|Masson|Kerleroux|Dumont|Henry|Roussel|Lemoine|Colin|Vidal|Caron"
).split("|")
# Town:département of French members; members show the département only if they choose to.
PLACES = [
    tuple(item.split(":"))
    for item in (
        "Lorient:56 Brest:29 Quimper:29 Rennes:35 Nantes:44 Angers:49 Lyon:69 Annecy:74 Grenoble:38 Gap:05 "
        "Marseille:13 Nice:06 Toulouse:31 Rodez:12 Aurillac:15 Bordeaux:33 Pau:64 Limoges:87 Lille:59 Arras:62 "
        "Amiens:80 Strasbourg:67 Nancy:54 Dijon:21 Besançon:25 Tours:37 Poitiers:86 Guéret:23 Mende:48 Ajaccio:2A "
        "Bastia:2B Montpellier:34 Perpignan:66 Reims:51 Rouen:76 Caen:14 Saint-Brieuc:22 Vannes:56 "
        "Fort-de-France:972 Saint-Denis:974 Cayenne:973"
    ).split()
]
BELGIAN_TOWNS = ("Liège", "Namur", "Charleroi", "Mons", "Bruxelles")
# How a physician of each specialty may sign: "Cardio_Rennes".
SPECIALTY_NICKNAMES = dict(
    item.split(":")
    for item in (
        "general-practice:MG cardiology:Cardio pediatrics:Pedia endocrinology:Endoc pulmonology:Pneumo "
        "rheumatology:Rhumato dermatology:Dermato psychiatry:Psy gynecology-obstetrics:Gyneco geriatrics:Geriatre "
        "emergency-medicine:Urgentiste infectious-diseases:Infectio nephrology:Nephro gastroenterology:Gastro "
        "urology:Uro otorhinolaryngology:ORL ophthalmology:Ophtalmo"
    ).split()
)
PROFESSION_NICKNAMES = {
    "nurse": ("IDE", "IDEL", "Infi"),
    "physiotherapist": ("Kiné", "Kine", "MK"),
    "midwife": ("SageFemme", "SF"),
    "pharmacist": ("Pharma", "Officine", "Pharmacien"),
    "psychologist": ("Psycho",),
    "dentist": ("Dentiste",),
}
COI_DECLARATIONS = (
    "Interventions rémunérées en formation continue pour un laboratoire commercialisant des antidiabétiques.",
    "Membre d'un comité scientifique d'un fabricant de tensiomètres (non rémunéré).",
    "Investigateur dans un essai clinique industriel sur l'insuffisance cardiaque.",
    "Frais de congrès pris en charge par un laboratoire pharmaceutique au cours des trois dernières années.",
    "Consultant ponctuel pour une société de télésurveillance médicale.",
)

OPENERS = (
    "Bonjour,",
    "Bonjour à tous,",
    "Merci pour ce cas bien présenté.",
    "Situation fréquente chez nous aussi.",
    "J'ai eu un cas très proche le mois dernier.",
    "Question intéressante.",
    "Je réponds rapidement entre deux consultations.",
    "Avis personnel, à confronter aux recommandations :",
    "En bref :",
    "",
)
NUANCES = (
    "Mais tout dépend de ce que souhaite le patient.",
    "Les recommandations récentes vont dans ce sens.",
    "C'est ce que fait l'équipe de notre maison de santé.",
    "Je reconnais que ça se discute.",
    "Attention toutefois aux interactions.",
    "",
    "",
)
CLOSINGS = ("Tenez-nous au courant !", "Bon courage.", "Bonne journée.", "Curieux de savoir la suite.", "", "")
# Once a thread has given every piece of advice, colleagues agree rather than repeat it.
AGREEMENTS = (
    "D'accord avec tout ce qui a été dit.",
    "Je rejoins les collègues, rien à ajouter sur le fond.",
    "Même expérience de mon côté, ça marche bien.",
    "Entièrement d'accord avec la réponse précédente.",
    "+1 pour l'avis précédent, c'est aussi ce que je fais.",
    "Rien à ajouter, le fil est complet. Merci pour ce partage.",
    "Bonne discussion, j'en retiens beaucoup pour ma pratique.",
    "Je confirme, c'est la conduite que nous avons adoptée dans notre maison de santé.",
)
AUTHOR_FOLLOW_UPS = (
    "Merci à tous pour vos réponses, très utiles.",
    "Merci, je vais suivre ce conseil et je vous tiens au courant.",
    "Petite précision : le bilan biologique récent est normal par ailleurs.",
    "Je n'y avais pas pensé, merci beaucoup.",
    "C'est noté, je revois le patient la semaine prochaine.",
    "Merci ! Je mets à jour le fil après le prochain rendez-vous.",
)
GENERIC_OUTCOMES = (
    "Évolution favorable en suivant les conseils du fil. Merci encore à tous.",
    "Bonne évolution, patient satisfait : je referme ce cas.",
)
FLAG_REASONS = (
    "Ce message me semble un peu agressif envers un collègue.",
    "Cette réponse fait la promotion d'un produit commercial.",
    "Hors sujet : à déplacer dans la bonne spécialité ?",
)

# One scenario per block. "= specialty question-type | age bands | sexes", "k tags | author professions",
# t title, c context ({who}/{Who}: "une patiente de 67 ans"; {e}: feminine ending), f findings separated by ";",
# | table row, q question, a advice a reply may give, o outcome. Indented lines continue the line above.
SCENARIO_FILE = Path(__file__).with_name("scenarios.txt")

FIELDS = {"t": "titles", "c": "context", "f": "findings", "|": "table", "q": "question", "a": "advice", "o": "outcome"}


@cache
def scenarios() -> tuple[dict, ...]:
    """The case scenarios, parsed from scenarios.txt once."""
    parsed: list[dict] = []
    last = ""
    for line in SCENARIO_FILE.read_text(encoding="utf-8").strip().splitlines():
        if line.startswith("  "):
            parsed[-1][last].append(parsed[-1][last].pop() + " " + line.strip())
            continue
        key, _, rest = line.partition(" ")
        if key == "=":
            spec_and_type, ages, sexes = rest.split(" | ")
            specialty, question_type = spec_and_type.split()
            scenario = {"specialty": specialty, "question_type": question_type}
            scenario.update(ages=ages.split(), sexes=sexes.split(), **{field: [] for field in FIELDS.values()})
            parsed.append(scenario)
        elif key == "k":
            tags, authors = rest.split(" | ")
            parsed[-1].update(tags=tags.split(), authors=authors.split())
        else:
            last = FIELDS[key]
            parsed[-1][last].append(rest)
    for scenario in parsed:
        scenario["findings"] = [item.strip() for item in "; ".join(scenario["findings"]).split(";")]
        scenario["table"] = [[cell.strip() for cell in row.split("|")] for row in scenario["table"]]
        scenario["context"], scenario["question"] = " ".join(scenario["context"]), " ".join(scenario["question"])
        scenario["outcome"] = " ".join(scenario["outcome"])
    return tuple(parsed)
