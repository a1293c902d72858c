"""Reference lists for the generator: commodities, countries, offices, names.

Kept apart from the generator so the generation logic stays readable and the
lists can grow without touching it. Prices are plausible orders of magnitude,
not official statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Commodity:
    """One HS6 line with its trade pattern: unit, weight, unit price per origin."""

    hs: str
    words: tuple[str, ...]
    unit: str
    kg_per_unit: float
    price: float  # EUR per unit at origin multiplier 1.0
    origins: dict[str, float] = field(default_factory=dict)  # origin -> price multiplier
    qty: tuple[int, int] = (10, 1000)
    rate: float = 0.0  # duty or excise rate, percent of CIF value
    tax_type: str = "A"
    frauds: tuple[str, ...] = ("undervaluation", "misclassification")

    @property
    def name(self) -> str:
        return self.words[0]


COMMODITIES: tuple[Commodity, ...] = (
    Commodity("847130", ("laptops", "notebook computers", "portable computers"), "pcs", 2.2, 320.0,
              {"CN": 1.0, "VN": 1.05, "TW": 1.2, "US": 1.5}, (20, 600), 0.0,
              frauds=("undervaluation", "concealment")),
    Commodity("851713", ("smartphones", "mobile phones", "cell phones"), "pcs", 0.3, 180.0,
              {"CN": 1.0, "VN": 1.1, "IN": 0.9, "KR": 1.6}, (50, 2000), 0.0,
              frauds=("undervaluation", "counterfeit")),
    Commodity("240220", ("cigarettes", "cigarette cartons", "tobacco products"), "pcs", 0.001,
              0.03, {"AE": 1.0, "TR": 1.1, "CN": 0.8}, (50_000, 1_000_000), 60.0, "E",
              ("undervaluation", "concealment")),
    Commodity("220830", ("whisky", "spirits", "scotch whisky"), "l", 1.3, 9.0,
              {"GB": 1.0, "US": 0.9, "IE": 1.1}, (200, 6000), 35.0, "E",
              ("undervaluation", "origin")),
    Commodity("610910", ("cotton T-shirts", "T-shirts", "knitted cotton tops"), "pcs", 0.2, 2.5,
              {"CN": 1.0, "BD": 0.8, "TR": 1.4, "IN": 0.9}, (500, 20_000), 12.0,
              frauds=("undervaluation", "origin", "counterfeit")),
    Commodity("620342", ("cotton trousers", "jeans", "men's trousers"), "pcs", 0.5, 6.0,
              {"CN": 1.0, "BD": 0.85, "TR": 1.3, "PK": 0.9}, (300, 10_000), 12.0,
              frauds=("undervaluation", "origin")),
    Commodity("640399", ("leather footwear", "leather shoes", "footwear"), "pairs", 1.1, 14.0,
              {"VN": 1.0, "CN": 0.9, "IN": 0.95, "IT": 2.6}, (200, 8000), 8.0,
              frauds=("undervaluation", "counterfeit")),
    Commodity("420221", ("leather handbags", "handbags", "designer bags"), "pcs", 0.9, 25.0,
              {"CN": 1.0, "IT": 3.0, "IN": 0.9}, (100, 5000), 3.0,
              frauds=("counterfeit", "undervaluation")),
    Commodity("870323", ("passenger cars", "used cars", "motor cars"), "pcs", 1400.0, 18000.0,
              {"DE": 1.0, "JP": 1.1, "US": 0.9, "KR": 0.95}, (1, 12), 10.0,
              frauds=("undervaluation", "misclassification")),
    Commodity("401110", ("car tyres", "pneumatic tyres", "tyres"), "pcs", 9.0, 38.0,
              {"CN": 1.0, "TH": 1.1, "KR": 1.3}, (100, 3000), 4.5,
              frauds=("undervaluation", "origin")),
    Commodity("870899", ("vehicle parts", "auto spare parts", "car parts"), "kg", 1.0, 6.0,
              {"CN": 1.0, "TR": 1.2, "DE": 1.8}, (200, 12_000), 3.0,
              frauds=("misclassification", "undervaluation")),
    Commodity("720851", ("hot-rolled steel plates", "steel plates", "flat-rolled steel"), "kg",
              1.0, 0.65, {"UA": 1.0, "TR": 1.05, "CN": 0.9, "IN": 0.95}, (10_000, 400_000), 0.0,
              frauds=("origin", "misclassification")),
    Commodity("300490", ("medicaments", "pharmaceuticals", "tablets"), "kg", 1.0, 45.0,
              {"IN": 1.0, "CH": 2.5, "DE": 2.0}, (50, 3000), 0.0,
              frauds=("counterfeit", "misclassification")),
    Commodity("330300", ("perfumes", "eau de toilette", "fragrances"), "pcs", 0.25, 12.0,
              {"FR": 2.0, "AE": 1.0, "CN": 0.7}, (200, 10_000), 0.0,
              frauds=("counterfeit", "undervaluation")),
    Commodity("950300", ("toys", "plastic toys", "children's toys"), "kg", 1.0, 4.5,
              {"CN": 1.0, "VN": 1.05}, (500, 20_000), 4.7,
              frauds=("undervaluation", "counterfeit")),
    Commodity("090111", ("green coffee", "coffee beans", "unroasted coffee"), "kg", 1.0, 3.2,
              {"BR": 1.0, "VN": 0.85, "CO": 1.15, "ET": 1.2}, (5000, 60_000), 0.0,
              frauds=("undervaluation",)),
    Commodity("170199", ("cane sugar", "raw sugar", "sugar"), "kg", 1.0, 0.45,
              {"BR": 1.0, "IN": 0.95}, (20_000, 500_000), 33.0,
              frauds=("origin", "undervaluation")),
    Commodity("271019", ("gas oil", "diesel fuel", "fuel oil"), "kg", 1.0, 0.7,
              {"TR": 1.0, "AE": 0.95, "IN": 0.97}, (10_000, 300_000), 30.0, "E",
              ("misclassification", "undervaluation")),
    Commodity("940360", ("wooden furniture", "furniture", "cabinets"), "pcs", 25.0, 60.0,
              {"CN": 1.0, "TR": 1.3, "VN": 1.1}, (20, 800), 0.0,
              frauds=("undervaluation",)),
    Commodity("392690", ("plastic articles", "plastic goods", "household plastics"), "kg", 1.0,
              3.0, {"CN": 1.0, "TR": 1.2}, (500, 15_000), 6.5,
              frauds=("undervaluation", "misclassification")),
    Commodity("850760", ("lithium-ion batteries", "battery packs", "Li-ion cells"), "kg", 1.0,
              20.0, {"CN": 1.0, "KR": 1.4}, (100, 5000), 2.7,
              frauds=("undervaluation", "misclassification")),
    Commodity("293339", ("heterocyclic compounds", "chemical precursors", "pyridine derivatives"),
              "kg", 1.0, 15.0, {"CN": 1.0, "IN": 1.1}, (25, 2000), 6.5,
              frauds=("misclassification", "concealment")),
    Commodity("080390", ("bananas", "fresh bananas", "fruit"), "kg", 1.0, 0.7,
              {"EC": 1.0, "CO": 1.05, "CR": 1.1}, (10_000, 40_000), 16.0,
              frauds=("concealment", "undervaluation")),
    Commodity("854231", ("integrated circuits", "processors", "microchips"), "pcs", 0.002, 4.0,
              {"TW": 1.0, "KR": 1.1, "CN": 0.7}, (1000, 100_000), 0.0,
              frauds=("undervaluation", "counterfeit")),
    Commodity("030617", ("frozen shrimps", "prawns", "frozen seafood"), "kg", 1.0, 7.0,
              {"VN": 1.0, "IN": 0.9, "EC": 1.05}, (2000, 24_000), 12.0,
              frauds=("undervaluation", "origin")),
    Commodity("611030", ("synthetic pullovers", "sweaters", "knitwear"), "pcs", 0.35, 5.0,
              {"CN": 1.0, "BD": 0.85, "TR": 1.3}, (300, 12_000), 12.0,
              frauds=("undervaluation", "origin")),
)

# Hidden generator parameter: extra log-odds of fraud per HS6 x origin. The risk
# engine must learn these from control outcomes, never read them.
RISKY_HS_ORIGIN: dict[tuple[str, str], float] = {
    ("610910", "CN"): 1.3,
    ("620342", "CN"): 1.0,
    ("640399", "VN"): 0.9,
    ("847130", "CN"): 0.8,
    ("240220", "AE"): 2.2,
    ("330300", "AE"): 1.6,
    ("420221", "CN"): 1.4,
    ("271019", "TR"): 1.2,
    ("293339", "CN"): 1.0,
    ("854231", "CN"): 1.1,
}

COUNTRY_NAMES: dict[str, str] = {
    "BG": "Bulgaria", "NL": "the Netherlands", "DE": "Germany", "RO": "Romania", "GR": "Greece",
    "CN": "China", "VN": "Vietnam", "TW": "Taiwan", "US": "the United States", "IN": "India",
    "KR": "South Korea", "AE": "the United Arab Emirates", "TR": "Turkey", "GB": "the UK",
    "IE": "Ireland", "BD": "Bangladesh", "PK": "Pakistan", "IT": "Italy", "JP": "Japan",
    "TH": "Thailand", "UA": "Ukraine", "CH": "Switzerland", "FR": "France", "BR": "Brazil",
    "CO": "Colombia", "ET": "Ethiopia", "EC": "Ecuador", "CR": "Costa Rica",
}

PHONE_PREFIX: dict[str, tuple[str, ...]] = {
    "BG": ("+359 2", "+359 52", "+359 56", "+359 88", "+359 89"),
    "NL": ("+31 10", "+31 20", "+31 6"), "DE": ("+49 40", "+49 69", "+49 151"),
    "RO": ("+40 21", "+40 72"), "GR": ("+30 210", "+30 69"),
    "CN": ("+86 21", "+86 755", "+86 138"), "TR": ("+90 212", "+90 532", "+90 542"),
    "AE": ("+971 4", "+971 50"), "IN": ("+91 22", "+91 98"), "VN": ("+84 28", "+84 90"),
}

CITIES: dict[str, tuple[str, ...]] = {
    "BG": ("Sofia", "Plovdiv", "Varna", "Burgas", "Ruse", "Haskovo", "Svilengrad"),
    "NL": ("Rotterdam", "Amsterdam", "Venlo"), "DE": ("Hamburg", "Frankfurt", "Duisburg"),
    "RO": ("Bucharest", "Constanta"), "GR": ("Thessaloniki", "Piraeus"),
    "CN": ("Shenzhen", "Ningbo", "Guangzhou", "Yiwu", "Shanghai"),
    "TR": ("Istanbul", "Izmir", "Mersin", "Bursa"), "AE": ("Dubai", "Sharjah", "Jebel Ali"),
    "IN": ("Mumbai", "Chennai", "Delhi"), "VN": ("Ho Chi Minh City", "Hai Phong"),
}

STREETS = ("Harbour Rd", "Industrial Zone", "Tsarigradsko Shose", "Bulgaria Blvd", "Port St",
           "Logistics Park", "Trade Centre", "Vitosha Blvd", "Maritsa St", "Danube Quay",
           "Free Zone", "Airport Rd", "Station Sq", "Market St", "Warehouse Lane")

# Offices of the (fictional) administration, with the transport modes they handle.
OFFICES: dict[str, tuple[str, ...]] = {
    "BGVAR001": ("sea",), "BGBOJ001": ("sea",), "BGSVI001": ("road",), "BGKAP001": ("road",),
    "BGRUS001": ("road", "sea"), "BGSOF001": ("air", "road"),
}
OFFICE_WEIGHTS = (24, 20, 22, 14, 8, 12)

CONTAINER_OWNERS = ("MSCU", "MAEU", "CMAU", "HLXU", "COSU", "EGHU", "ONEU", "TGHU")
VESSELS = ("MSC Oscar", "Maersk Essen", "CMA CGM Marco Polo", "Ever Given", "Cosco Shipping Aries",
           "Hapag Express", "ONE Harmony", "Yantian Express", "MSC Aurora", "Zim Antwerp",
           "Arkas Bosphorus", "Maersk Kinloss", "MSC Varna", "Black Sea Pioneer", "Med Star")
AIRLINES = ("TK", "LH", "EK", "QR", "FB", "CA")

NAME_PARTS_EU = ("Baltic", "Black Sea", "Danube", "Balkan", "Euro", "Trans", "Star", "Global",
                 "Prime", "Atlas", "Nova", "Orion", "Delta", "Vega", "Sirius", "Apex", "Unity",
                 "Rila", "Pirin", "Thracia", "Aurora", "Zenith", "Vector", "Meridian", "Polar",
                 "Crown", "Helios", "Falcon", "Eagle", "Harbor", "Summit", "Pioneer", "Alpha")
NAME_SECTORS = ("Trading", "Logistics", "Import-Export", "Commerce", "Distribution", "Textiles",
                "Electronics", "Foods", "Motors", "Chemicals", "Supply", "Wholesale", "Retail",
                "Industries", "Group", "Holding", "Freight")
LEGAL_FORM = {"BG": ("EOOD", "OOD", "AD", "EAD"), "NL": ("B.V.",),
              "DE": ("GmbH", "GmbH & Co. KG"), "RO": ("SRL",), "GR": ("S.A.", "IKE"),
              "CN": ("Co., Ltd",), "TR": ("A.S.", "Ltd. Sti."),
              "AE": ("FZE", "LLC", "FZCO"), "IN": ("Pvt Ltd",), "VN": ("JSC", "Co., Ltd")}
FOREIGN_PREFIX = {"CN": ("Shenzhen", "Ningbo", "Yiwu", "Guangzhou", "Zhejiang", "Fujian"),
                  "TR": ("Istanbul", "Anadolu", "Ege", "Marmara"), "AE": ("Gulf", "Emirates",
                  "Jebel Ali", "Desert"), "IN": ("Mumbai", "Bharat", "Deccan"),
                  "VN": ("Saigon", "Mekong", "Hanoi")}
FOREIGN_CORE = ("Huaxin", "Jinlong", "Tianyu", "Hengda", "Yilmaz", "Ozturk", "Kaya", "Al Noor",
                "Al Safa", "Shree", "Ganesh", "Minh Phat", "Hoang Long", "Golden", "Silver",
                "Bright", "Sunrise", "Everwin", "Great Wall", "Lucky", "Oriental", "Pacific",
                "Silk Road", "Lotus", "Jade", "Dragon", "Tiger", "Crescent", "Oasis")

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "BG": ("Georgi", "Ivan", "Dimitar", "Nikolay", "Petar", "Maria", "Elena", "Desislava",
           "Stoyan", "Todor", "Kalina", "Yordan", "Vasil", "Radostina", "Hristo"),
    "TR": ("Ahmed", "Mehmet", "Mustafa", "Ayse", "Fatma", "Emre", "Burak", "Selin", "Hakan"),
    "CN": ("Wei", "Li", "Jun", "Xiaoming", "Mei", "Hui", "Lei", "Yan"),
    "NL": ("Jan", "Pieter", "Sanne", "Daan", "Eva", "Bram"),
    "DE": ("Stefan", "Andreas", "Katrin", "Jonas", "Julia", "Markus"),
    "RO": ("Andrei", "Ionut", "Elena", "Mihai", "Ioana"),
    "GR": ("Nikos", "Giorgos", "Eleni", "Kostas", "Maria"),
    "AE": ("Omar", "Khalid", "Rashid", "Fatima", "Youssef"),
    "UA": ("Oleksandr", "Andriy", "Olena", "Dmytro", "Iryna"),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "BG": ("Ivanov", "Petrov", "Georgiev", "Dimitrov", "Nikolov", "Stoyanov", "Todorov", "Kolev",
           "Angelov", "Hristov", "Marinov", "Popov", "Iliev", "Yordanov", "Vasilev"),
    "TR": ("Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Ozturk", "Aydin", "Arslan", "Dogan"),
    "CN": ("Wang", "Zhang", "Liu", "Chen", "Huang", "Zhao", "Wu", "Zhou"),
    "NL": ("de Vries", "Jansen", "Bakker", "Visser", "Smit"),
    "DE": ("Muller", "Schmidt", "Weber", "Wagner", "Becker"),
    "RO": ("Popescu", "Ionescu", "Stan", "Dumitru"),
    "GR": ("Papadopoulos", "Georgiou", "Nikolaidis", "Pappas"),
    "AE": ("Al Mansouri", "Al Hashimi", "Haddad", "Al Falasi"),
    "UA": ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko"),
}
PERSON_NATIONALITY_WEIGHTS = {"BG": 60, "TR": 10, "CN": 6, "NL": 3, "DE": 3, "RO": 5, "GR": 4,
                              "AE": 3, "UA": 6}
