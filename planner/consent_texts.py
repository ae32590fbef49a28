"""The built-in consent texts: version 1 of every treatment's consent, in Italian, Spanish and
English. The clinic edits its own versions on the consent texts page (web/consents.py); these
are what it starts from.

[our default] wording, following the content an informed consent to an aesthetic or antalgic
injection procedure must give (Italian law 219/2017 art. 1; Spanish Ley 41/2002 art. 10): what
the treatment is and what it is for, the expected effects, the common and the rare risks, the
alternatives, the patient's duty to say what medicines and conditions they have, and their right
to refuse or withdraw at any time. A clinic should have its own text checked by its lawyer.
"""

from __future__ import annotations

from planner.vocabulary import LANGUAGES

# Each treatment in the languages of vocabulary.LANGUAGES, in its order.
_WHAT = {
    "antalgic": (
        "mesoterapia antalgica: piccole iniezioni intradermiche di farmaci (di solito un "
            "anestetico locale, talvolta un antinfiammatorio) sopra la zona dolorosa, per "
            "ridurre il dolore con dosi basse di farmaco",
        "mesoterapia analgésica: pequeñas inyecciones intradérmicas de fármacos (por lo "
            "general un anestésico local, a veces un antiinflamatorio) sobre la zona dolorosa, "
            "para aliviar el dolor con dosis bajas de fármaco",
        "pain mesotherapy: small intradermal injections of medicines (usually a local "
            "anaesthetic, sometimes an anti-inflammatory) over the painful area, to relieve "
            "pain with low doses of medicine",
    ),
    "cellulite": (
        "mesoterapia per la cellulite: piccole iniezioni intradermiche di prodotti sulle "
            "zone indicate, ripetute in un ciclo di sedute, per migliorare l'aspetto della "
            "pelle; il risultato varia da persona a persona e non è garantito",
        "mesoterapia para la celulitis: pequeñas inyecciones intradérmicas de productos en "
            "las zonas indicadas, repetidas en un ciclo de sesiones, para mejorar el aspecto de "
            "la piel; el resultado varía de una persona a otra y no está garantizado",
        "cellulite mesotherapy: small intradermal injections of products over the areas "
            "marked, repeated over a cycle of sessions, to improve the look of the skin; the "
            "result varies from person to person and is not guaranteed",
    ),
    "face": (
        "mesoterapia del viso: piccole iniezioni intradermiche molto superficiali di "
            "prodotti sulle zone del viso indicate, per migliorare l'idratazione e la qualità "
            "della pelle; il risultato varia da persona a persona e non è garantito",
        "mesoterapia facial: pequeñas inyecciones intradérmicas muy superficiales de "
            "productos en las zonas del rostro indicadas, para mejorar la hidratación y la "
            "calidad de la piel; el resultado varía de una persona a otra y no está garantizado",
        "facial mesotherapy: very superficial small intradermal injections of products "
            "over the areas of the face marked, to improve the skin's hydration and quality; "
            "the result varies from person to person and is not guaranteed",
    ),
    "microneedling": (
        "microneedling: micro-perforazioni superficiali della pelle con aghi sottili "
            "(0,5-1,5 mm), talvolta con un prodotto applicato sulla pelle, per stimolarne il "
            "rinnovamento; il risultato varia da persona a persona e non è garantito",
        "microneedling: microperforaciones superficiales de la piel con agujas finas "
            "(0,5-1,5 mm), a veces con un producto aplicado sobre la piel, para estimular su "
            "renovación; el resultado varía de una persona a otra y no está garantizado",
        "microneedling: superficial micro-punctures of the skin with fine needles "
            "(0.5-1.5 mm), sometimes with a product applied to the skin, to stimulate its "
            "renewal; the result varies from person to person and is not guaranteed",
    ),
}

# Paragraphs, joined with a blank line between them; the languages of vocabulary.LANGUAGES.
_BODY: tuple[tuple[str, ...], ...] = (
    (
        'Il medico mi ha spiegato il trattamento proposto: {what}.',
        ('Mi ha spiegato gli effetti attesi e le alternative, compreso il non fare il '
         'trattamento.'),
        ('Sono stato informato dei rischi. Frequenti e passeggeri: dolore o bruciore durante'
         ' le iniezioni, piccoli lividi, arrossamento, pomfi e prurito nella zona trattata '
         'per alcune ore o giorni. Rari: infezione nel punto di iniezione, reazione '
         'allergica a un componente, svenimento (reazione vasovagale), macchie della pelle.'),
        ('Ho detto al medico i farmaci che prendo (in particolare anticoagulanti e '
         'antiaggreganti), le mie allergie, le malattie note, e se sono o potrei essere in '
         'gravidanza o se allatto.'),
        ('Ho potuto fare domande e ho ricevuto risposte chiare. So di poter rifiutare il '
         'trattamento o interromperlo in qualsiasi momento, senza conseguenze sulle mie '
         'cure.'),
        'Acconsento al trattamento.',
    ),
    (
        'El médico me ha explicado el tratamiento propuesto: {what}.',
        ('Me ha explicado los efectos esperados y las alternativas, incluida la de no hacer '
         'el tratamiento.'),
        ('He sido informado de los riesgos. Frecuentes y pasajeros: dolor o escozor durante '
         'las inyecciones, pequeños hematomas, enrojecimiento, habones y picor en la zona '
         'tratada durante unas horas o días. Raros: infección en el punto de inyección, '
         'reacción alérgica a un componente, desmayo (reacción vasovagal), manchas en la '
         'piel.'),
        ('He informado al médico de los medicamentos que tomo (en particular anticoagulantes'
         ' y antiagregantes), de mis alergias, de mis enfermedades conocidas, y de si estoy '
         'o podría estar embarazada o si doy el pecho.'),
        ('He podido hacer preguntas y he recibido respuestas claras. Sé que puedo rechazar '
         'el tratamiento o interrumpirlo en cualquier momento, sin consecuencias para mi '
         'atención.'),
        'Doy mi consentimiento al tratamiento.',
    ),
    (
        'The doctor has explained the treatment proposed to me: {what}.',
        ('The doctor has explained the expected effects and the alternatives, including not '
         'having the treatment.'),
        ('I have been told of the risks. Common and passing: pain or burning during the '
         'injections, small bruises, redness, wheals and itching over the treated area for '
         'some hours or days. Rare: infection at an injection site, an allergic reaction to '
         'a component, fainting (a vasovagal reaction), marks on the skin.'),
        ('I have told the doctor the medicines I take (anticoagulants and antiplatelet '
         'medicines in particular), my allergies, the illnesses I know of, and whether I am '
         'or could be pregnant or am breastfeeding.'),
        ('I was able to ask questions and had clear answers. I know I can refuse the '
         'treatment or stop it at any time, with no consequence for my care.'),
        'I consent to the treatment.',
    ),
)


def built_in(treatment: str, language: str) -> str:
    """Version 1 of ``treatment``'s consent text in ``language`` (KeyError, ValueError: no
    such treatment or language)."""
    index = LANGUAGES.index(language)
    return "\n\n".join(_BODY[index]).format(what=_WHAT[treatment][index])
