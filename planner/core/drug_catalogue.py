"""The drug catalogue: what the dose checks know of each drug, as data with its sources.

A dose limit must follow the drug, never its spelling (CLINICAL.md, "Drug identity"). Each entry
gives the drug's ATC code(s), its name in English, Italian and Spanish, other names and the
brand names seen in Italy and Spain, its class, and for the local anaesthetics whose limits
CLINICAL.md gives, that limit (``clinical.ANAESTHETIC_LIMITS``, each with its label source).
``planner.core.drugs`` finds a component's drug in this list.

Sources:
- ATC codes: WHO Collaborating Centre for Drug Statistics Methodology, ATC/DDD Index (the
  codes CLINICAL.md lists, and for the others the same index).
- Names and brands: CLINICAL.md's table, the seed pages (shared/seeds), and the names in common
  use in Italian and Spanish mesotherapy mixtures (examples, not complete: a brand missing here
  is matched by the drug's name, or warned about as unidentified).
- Products with no single ATC code (phosphatidylcholine with deoxycholate, homotoxicological
  products, collagen devices) are kept by name, with no limit (CLINICAL.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from planner.core import clinical
from planner.core.messages import N_, Label

# The classes of the catalogue, as the words a reader sees (translated).
CLASSES: dict[str, str] = {
    "local-anaesthetic": N_("local anaesthetic"),
    "nsaid": N_("NSAID"),
    "muscle-relaxant": N_("muscle relaxant"),
    "corticosteroid": N_("corticosteroid"),
    "vasoactive": N_("vasoactive"),
    "vasoconstrictor": N_("vasoconstrictor"),
    "hormone": N_("hormone"),
    "vitamin": N_("vitamin"),
    "antioxidant": N_("antioxidant"),
    "enzyme": N_("enzyme"),
    "lipolytic": N_("lipolytic"),
    "skin-restructuring": N_("skin restructuring"),
    "buffer": N_("buffer"),
    "diluent": N_("diluent"),
    "antifibrinolytic": N_("antifibrinolytic"),
    "homotoxicological": N_("homotoxicological"),
    "medical-device": N_("medical device"),
}


@dataclass(frozen=True)
class Drug:
    """One drug of the catalogue.

    ``id`` is the catalogue's own key (the English name, as plan files write it in ``drug``);
    ``limit`` names an entry of ``clinical.ANAESTHETIC_LIMITS``; ``with_adrenaline`` names the
    entry to use when the same component also names adrenaline (lidocaine has its own limit
    with adrenaline; for the others the plain limit is kept, which is the lower one).
    """

    id: str
    atc: tuple[str, ...]
    en: str
    it: str
    es: str
    drug_class: str
    other_names: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    limit: str | None = None
    with_adrenaline: str | None = None

    def name_in(self, language: str) -> str:
        """The drug's name in ``language`` ("en", "it" or "es"; English otherwise)."""
        return {"it": self.it, "es": self.es}.get(language, self.en)

    @property
    def anaesthetic_limit(self) -> clinical.AnaestheticLimit | None:
        """The per-session limit of CLINICAL.md, for the local anaesthetics that have one."""
        return None if self.limit is None else clinical.ANAESTHETIC_LIMITS[self.limit]

    @property
    def label(self) -> Label:
        """The drug's name in each language, as a message parameter."""
        return Label(self.en, (("it", self.it), ("es", self.es)))

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the drug is known by here: the three languages, others, brands."""
        return (self.en, self.it, self.es, *self.other_names, *self.brands)


def _la(id_: str, atc: str, it: str, es: str, *, other: tuple[str, ...] = (),
        brands: tuple[str, ...] = (), limit: str | None = None,
        with_adrenaline: str | None = None) -> Drug:
    return Drug(id_, (atc,), id_, it, es, "local-anaesthetic", other, brands, limit,
                with_adrenaline)


DRUGS: tuple[Drug, ...] = (
    # Local anaesthetics (ATC N01B). Limits: CLINICAL.md "Safety limits", product labelling.
    _la("lidocaine", "N01BB02", "lidocaina", "lidocaína",
        other=("lignocaine", "lidocain", "xylocaine hydrochloride"),
        brands=("Xylocaine", "Xylocaina", "Xilocaina", "Lidosen", "Lidocaton", "Akten"),
        limit="lidocaine", with_adrenaline="lidocaine-adrenaline"),
    Drug("lidocaine-adrenaline", ("N01BB52",), "lidocaine with adrenaline",
         "lidocaina con adrenalina", "lidocaína con epinefrina", "local-anaesthetic",
         ("lidocaine with epinephrine", "lidocaine adrenaline", "lidocaine epinephrine",
          "lignocaine with adrenaline", "lidocaina adrenalina", "lidocaína con adrenalina",
          "lidocaina epinefrina"),
         ("Xylonibsa", "Xylocaine with adrenaline", "Xylocaine adrenaline",
          "Xilocaina con adrenalina", "Lignospan"),
         limit="lidocaine-adrenaline"),
    _la("mepivacaine", "N01BB03", "mepivacaina", "mepivacaína",
        brands=("Carbocaina", "Carbocaine", "Scandicain", "Scandinibsa", "Scandonest",
                "Optocain", "Mepivastesin", "Polocaine"),
        limit="mepivacaine"),
    _la("procaine", "N01BA02", "procaina", "procaína",
        other=("novocaine",), brands=("Novocain", "Novocaina"), limit="procaine"),
    # No limit in CLINICAL.md: identified, and the dose check says it has no limit to apply.
    _la("bupivacaine", "N01BB01", "bupivacaina", "bupivacaína",
        brands=("Marcaina", "Marcaine", "Svedocain", "Bupisen")),
    _la("levobupivacaine", "N01BB10", "levobupivacaina", "levobupivacaína",
        brands=("Chirocaine", "Chirocaina")),
    _la("ropivacaine", "N01BB09", "ropivacaina", "ropivacaína", brands=("Naropin", "Naropina")),
    _la("articaine", "N01BB08", "articaina", "articaína", other=("carticaine",),
        brands=("Ubistesin", "Septanest", "Artinibsa", "Septocaine", "Orabloc")),
    _la("prilocaine", "N01BB04", "prilocaina", "prilocaína", brands=("Citanest",)),
    Drug("lidocaine-prilocaine", ("N01BB20",), "lidocaine and prilocaine",
         "lidocaina e prilocaina", "lidocaína y prilocaína", "local-anaesthetic",
         ("lidocaine prilocaine", "lidocaina prilocaina", "lidocaína prilocaína"), ("EMLA",)),
    # Ester anaesthetics of the skin and the eye, and topical ones (no limit in CLINICAL.md).
    _la("tetracaine", "N01BA03", "tetracaina", "tetracaína", other=("ametocaine", "amethocaine"),
        brands=("Ametop",)),
    _la("chloroprocaine", "N01BA04", "cloroprocaina", "cloroprocaína",
        brands=("Nesacaine", "Clorotekal", "Ampres")),
    _la("benzocaine", "N01BA05", "benzocaina", "benzocaína"),
    _la("oxybuprocaine", "S01HA02", "ossibuprocaina", "oxibuprocaína",
        other=("benoxinate", "oxibuprocaina"), brands=("Novesina", "Novesine")),
    # NSAIDs (M01A).
    Drug("ketoprofen", ("M01AE03",), "ketoprofen", "ketoprofene", "ketoprofeno", "nsaid",
         ("chetoprofene", "cetoprofeno"), ("Orudis", "Artrosilene", "Oki", "Fastum",
                                            "Profenid")),
    Drug("diclofenac", ("M01AB05",), "diclofenac", "diclofenac", "diclofenaco", "nsaid",
         brands=("Voltaren", "Voltarene", "Dicloreum", "Fenadol", "Akis")),
    Drug("piroxicam", ("M01AC01",), "piroxicam", "piroxicam", "piroxicam", "nsaid",
         brands=("Feldene", "Brexin", "Cycladol")),
    Drug("tenoxicam", ("M01AC02",), "tenoxicam", "tenoxicam", "tenoxicam", "nsaid",
         brands=("Tilcotil", "Reutenox", "Artriunic")),
    Drug("lornoxicam", ("M01AC05",), "lornoxicam", "lornoxicam", "lornoxicam", "nsaid",
         brands=("Taigalor", "Xefo", "Bosporon")),
    Drug("ketorolac", ("M01AB15",), "ketorolac", "ketorolac", "ketorolaco", "nsaid",
         brands=("Toradol", "Lixidol", "Droal")),
    # Muscle relaxant (M03B).
    Drug("thiocolchicoside", ("M03BX05",), "thiocolchicoside", "tiocolchicoside",
         "tiocolchicósido", "muscle-relaxant", ("tiocolchicosido",),
         ("Muscoril", "Coltramyl", "Miotens")),
    # Corticosteroids (H02AB).
    Drug("methylprednisolone", ("H02AB04",), "methylprednisolone", "metilprednisolone",
         "metilprednisolona", "corticosteroid", (),
         ("Depo-Medrol", "Solu-Medrol", "Urbason", "Medrol")),
    Drug("dexamethasone", ("H02AB02",), "dexamethasone", "desametasone", "dexametasona",
         "corticosteroid", ("dexametasone",), ("Decadron", "Soldesam", "Fortecortin")),
    Drug("betamethasone", ("H02AB01",), "betamethasone", "betametasone", "betametasona",
         "corticosteroid", (), ("Bentelan", "Celestone", "Celestone Cronodose")),
    Drug("triamcinolone", ("H02AB08",), "triamcinolone", "triamcinolone", "triamcinolona",
         "corticosteroid", (), ("Kenacort", "Trigon Depot", "Kenalog")),
    # Vasoactive and lipolytic agents.
    Drug("pentoxifylline", ("C04AD03",), "pentoxifylline", "pentossifillina", "pentoxifilina",
         "vasoactive", ("pentoxifyllin", "oxpentifylline"), ("Trental",)),
    Drug("aminophylline", ("R03DA05",), "aminophylline", "aminofillina", "aminofilina",
         "lipolytic", (), ()),
    Drug("caffeine", ("N06BC01",), "caffeine", "caffeina", "cafeína", "lipolytic",
         ("cafeina",), ()),
    Drug("levocarnitine", ("A16AA01",), "levocarnitine", "levocarnitina", "levocarnitina",
         "lipolytic", ("l-carnitine", "l-carnitina", "carnitine", "carnitina"),
         ("Carnitene",)),
    Drug("deoxycholic-acid", ("D11AX24",), "deoxycholic acid", "acido desossicolico",
         "ácido desoxicólico", "lipolytic", ("deoxycholate", "desossicolato", "desoxicolato"),
         ("Kybella", "Belkyra")),
    # No single ATC code (CLINICAL.md): kept by name, no limit.
    Drug("phosphatidylcholine-deoxycholate", (), "phosphatidylcholine with deoxycholate",
         "fosfatidilcolina con desossicolato", "fosfatidilcolina con desoxicolato", "lipolytic",
         ("phosphatidylcholine", "fosfatidilcolina", "pc-dc", "pcdc", "pc dc"),
         ("Lipostabil", "Lipodissolve")),
    Drug("adrenaline", ("C01CA24",), "adrenaline", "adrenalina", "epinefrina",
         "vasoconstrictor", ("epinephrine",), ()),
    Drug("calcitonin", ("H05BA01",), "calcitonin", "calcitonina", "calcitonina", "hormone",
         ("salmon calcitonin", "calcitonina di salmone", "calcitonina de salmón"),
         ("Miacalcic",)),
    # Vitamins and antioxidants.
    Drug("ascorbic-acid", ("A11GA01",), "ascorbic acid", "acido ascorbico", "ácido ascórbico",
         "vitamin", ("vitamin c", "vitamina c"), ("Redoxon", "Cebion")),
    Drug("thiamine", ("A11DA01",), "thiamine", "tiamina", "tiamina", "vitamin",
         ("vitamin b1", "vitamina b1"), ()),
    Drug("pyridoxine", ("A11HA02",), "pyridoxine", "piridossina", "piridoxina", "vitamin",
         ("vitamin b6", "vitamina b6"), ()),
    Drug("cyanocobalamin", ("B03BA01",), "cyanocobalamin", "cianocobalamina", "cianocobalamina",
         "vitamin", ("vitamin b12", "vitamina b12"), ()),
    Drug("glutathione", ("V03AB32",), "glutathione", "glutatione", "glutatión", "antioxidant",
         ("glutation",), ()),
    Drug("thioctic-acid", ("A16AX01",), "thioctic acid", "acido tioctico", "ácido tióctico",
         "antioxidant", ("alpha-lipoic acid", "lipoic acid", "acido alfa lipoico",
                         "ácido alfa lipoico", "acido lipoico", "ácido lipoico"), ()),
    # Skin restructuring, enzymes, haemostasis.
    Drug("hyaluronic-acid", ("D03AX05", "M09AX01"), "hyaluronic acid", "acido ialuronico",
         "ácido hialurónico", "skin-restructuring",
         ("hyaluronate", "ialuronato", "hialuronato", "sodium hyaluronate"),
         ("Jalupro", "Profhilo", "NCTF 135 HA")),
    Drug("hyaluronidase", ("B06AA03",), "hyaluronidase", "ialuronidasi", "hialuronidasa",
         "enzyme", (), ("Hyalase", "Hylenex")),
    Drug("tranexamic-acid", ("B02AA02",), "tranexamic acid", "acido tranexamico",
         "ácido tranexámico", "antifibrinolytic", (), ("Tranex", "Amchafibrin", "Ugurol")),
    # Buffer and diluents.
    Drug("sodium-bicarbonate", ("B05XA02",), "sodium bicarbonate", "sodio bicarbonato",
         "bicarbonato sódico", "buffer",
         ("bicarbonate", "bicarbonato di sodio", "bicarbonato de sodio", "bicarbonato"), ()),
    Drug("sodium-chloride", ("B05XA03",), "saline", "soluzione fisiologica", "suero fisiológico",
         "diluent",
         ("sodium chloride", "normal saline", "physiological saline", "sodio cloruro",
          "cloruro di sodio", "fisiologica", "cloruro sódico", "cloruro de sodio",
          "solución salina", "suero salino", "nacl"), ()),
    Drug("water-for-injections", ("V07AB",), "water for injections", "acqua per preparazioni "
         "iniettabili", "agua para preparaciones inyectables", "diluent",
         ("water for injection", "acqua ppi", "acqua bidistillata", "agua para inyección",
          "agua para inyectables", "agua bidestilada", "aqua ad iniectabilia"), ()),
    # Named in the seed pages for facial mesotherapy and microneedling (no single ATC code).
    Drug("multivitamin", (), "multivitamin", "complesso vitaminico", "complejo vitamínico",
         "vitamin", ("multivitamins", "vitamins", "vitamine", "vitaminas", "polivitaminico",
                     "polivitamínico"), ()),
    Drug("trace-elements", (), "trace elements", "oligoelementi", "oligoelementos", "vitamin",
         ("oligo elements",), ()),
    Drug("exosomes", (), "exosomes", "esosomi", "exosomas", "skin-restructuring", (), ()),
    Drug("polynucleotides", (), "polynucleotides", "polinucleotidi", "polinucleótidos",
         "skin-restructuring", ("pdrn", "polydeoxyribonucleotide", "polidesossiribonucleotide",
                                "polidesoxirribonucleótido"), ("Plinest", "Newest")),
    # Homotoxicological products and collagen devices (no ATC code: by name, no limit).
    Drug("traumeel", (), "Traumeel", "Traumeel", "Traumeel", "homotoxicological"),
    Drug("zeel", (), "Zeel", "Zeel", "Zeel", "homotoxicological", ("Zeel T",)),
    Drug("spascupreel", (), "Spascupreel", "Spascupreel", "Spascupreel", "homotoxicological"),
    Drug("discus-compositum", (), "Discus compositum", "Discus compositum", "Discus compositum",
         "homotoxicological"),
    Drug("guna-md", (), "Guna MD (collagen)", "Guna MD (collagene)", "Guna MD (colágeno)",
         "medical-device",
         ("MD-Knee", "MD-Shoulder", "MD-Lumbar", "MD-Neck", "MD-Hip", "MD-Small Joints",
          "MD-Muscle", "MD-Neural", "MD-Thoracic", "MD-Polyarthritis", "MD-Matrix",
          "MD-Tissue", "MD-Ischial"), ("Guna MD",)),
)

__all__ = ["CLASSES", "DRUGS", "Drug"]
