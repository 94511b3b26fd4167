"""Tessera, the fictional vendor, and the name pools its fictional customers are drawn from."""

from __future__ import annotations

from ._common import Staff

# Support team: ticket assignees and authors of agent replies and internal notes.
RILEY = Staff("Riley Chen", "Support Engineer")
SOFIA = Staff("Sofia Marchetti", "Support Engineer")
DEVON = Staff("Devon Okafor", "Support Engineer")
AISHA = Staff("Aisha Karimi", "Senior Support Engineer")
BEN = Staff("Ben Holloway", "Support Engineer")
MEI = Staff("Mei Tanaka", "Senior Support Engineer")
LUCAS = Staff("Lucas Brandt", "Support Engineer")
NADIA = Staff("Nadia Petrova", "Support Team Lead")
SUPPORT_TEAM = (RILEY, SOFIA, DEVON, AISHA, BEN, MEI, LUCAS, NADIA)
FRONTLINE = (RILEY, SOFIA, DEVON, BEN, LUCAS, MEI, AISHA)

# Account owners: customer success managers and account executives.
DANA = Staff("Dana Whitfield", "Customer Success Manager", "internal")
MARCUS = Staff("Marcus Oyelaran", "Customer Success Manager", "internal")
TOMAS = Staff("Tomas Ferreira", "Customer Success Manager", "internal")
HANNAH = Staff("Hannah Kowalczyk", "Account Executive", "internal")
JONAH = Staff("Jonah Ellery", "Account Executive", "internal")
GRETA = Staff("Greta Amsel", "Customer Success Manager", "internal")
ROSA = Staff("Rosa Lindgren", "VP Customer Success", "internal")
OWNERS = (DANA, MARCUS, TOMAS, HANNAH, JONAH, GRETA)

# Engineering and product, who speak in the internal channels and own tracker issues.
FARID = Staff("Farid Nassar", "Site Reliability Engineer", "internal")
HANA = Staff("Hana Kobayashi", "Engineering Manager, Identity", "internal")
OSKAR = Staff("Oskar Bergmann", "Backend Engineer, Ingestion", "internal")
LEONA = Staff("Leona Park", "Engineering Manager, Data Delivery", "internal")
TARIQ = Staff("Tariq Benali", "Staff Engineer, Platform", "internal")
WILLA = Staff("Willa Grant", "Backend Engineer, Notifications", "internal")
ELISE = Staff("Elise Marchand", "Product Manager, Governance", "internal")
CAMILLE = Staff("Camille Duret", "VP Product", "internal")
IVAN = Staff("Ivan Sokolov", "Product Manager, Data Platform", "internal")
ENGINEERS = (FARID, HANA, OSKAR, LEONA, TARIQ, WILLA)
PRODUCT = (ELISE, CAMILLE, IVAN)

FIRST_NAMES = (
    "Adaeze",
    "Alex",
    "Amara",
    "Anders",
    "Bea",
    "Bilal",
    "Carmen",
    "Chidi",
    "Cora",
    "Dario",
    "Elif",
    "Emeka",
    "Esme",
    "Felix",
    "Freya",
    "Gideon",
    "Hugo",
    "Ines",
    "Isaac",
    "Jana",
    "Joaquin",
    "Kai",
    "Keira",
    "Laszlo",
    "Leila",
    "Malik",
    "Marta",
    "Mika",
    "Nell",
    "Niamh",
    "Noor",
    "Olu",
    "Pavel",
    "Petra",
    "Quinn",
    "Rafael",
    "Rhea",
    "Rosa",
    "Sami",
    "Selin",
    "Soren",
    "Tamsin",
    "Theo",
    "Uma",
    "Valentina",
    "Wes",
    "Xiomara",
    "Yusuf",
    "Zara",
    "Brennan",
    "Colette",
    "Dmitri",
    "Hollis",
    "Ingrid",
    "Jonas",
    "Lorenzo",
    "Maeve",
    "Priyanka",
    "Ruben",
    "Tova",
)
LAST_NAMES = (
    "Abara",
    "Achterberg",
    "Aldana",
    "Baptiste",
    "Bellweather",
    "Brannigan",
    "Castellano",
    "Dagher",
    "Delacroix",
    "Dunleavy",
    "Eriksen",
    "Faulkner",
    "Gallagher",
    "Haugland",
    "Ibarra",
    "Jankowski",
    "Kaminski",
    "Kavanagh",
    "Lindahl",
    "Lombardi",
    "Mabry",
    "Nakashima",
    "Nwosu",
    "Okonkwo",
    "Ostrowski",
    "Pellegrini",
    "Quist",
    "Rasmussen",
    "Rinaldi",
    "Saltonstall",
    "Serrano",
    "Szabo",
    "Takahashi",
    "Thorvaldsen",
    "Underhill",
    "Valdivia",
    "Vance-Morrow",
    "Wachowski",
    "Whitcombe",
    "Yilmaz",
    "Zeller",
    "Ferraro",
    "Mbeki",
    "Holm",
    "Garrow",
    "Iwu",
    "Kettering",
    "Marchbanks",
    "Ngata",
    "Oduya",
)
EXECUTIVE_TITLES = (
    "CTO",
    "CIO",
    "VP Engineering",
    "VP Data",
    "CFO",
    "COO",
    "VP Marketing",
    "Chief Data Officer",
)
STAFF_TITLES = (
    "Data Engineer",
    "Analytics Engineer",
    "IT Administrator",
    "Marketing Operations Manager",
    "Product Analyst",
    "Backend Developer",
    "Solutions Architect",
    "Head of Data",
    "Finance Manager",
    "Growth Marketer",
    "DevOps Engineer",
    "Security Engineer",
    "Support Operations Lead",
    "Platform Engineer",
    "BI Developer",
    "Engineering Manager",
    "Office Manager",
    "CRM Manager",
)

INDUSTRIES = (
    "Software",
    "Retail",
    "Financial services",
    "Healthcare",
    "Media",
    "Logistics",
    "Education",
    "Travel",
    "Manufacturing",
    "Gaming",
    "Real estate",
    "Consumer goods",
    "Energy",
    "Nonprofit",
)

COMPANY_NAMES = (
    ("Northbeam Analytics", "Software"),
    ("Cinderpath Games", "Gaming"),
    ("Bramblewood Outfitters", "Retail"),
    ("Vantage Point Realty", "Real estate"),
    ("Lakeshore Credit Union", "Financial services"),
    ("Silverfin Payments", "Financial services"),
    ("Oakhaven Schools", "Education"),
    ("Redwater Mobility", "Logistics"),
    ("Blue Heron Travel", "Travel"),
    ("Quillstone Publishing", "Media"),
    ("Marigold Grocers", "Retail"),
    ("Tallgrass Software", "Software"),
    ("Driftwood Hotels", "Travel"),
    ("Granite Peak Outdoor", "Retail"),
    ("Foxglove Pharmacy", "Healthcare"),
    ("Helix Robotics", "Manufacturing"),
    ("Juniper Row Fashion", "Retail"),
    ("Keystone Freightworks", "Logistics"),
    ("Luma Fitness", "Consumer goods"),
    ("Moonrise Media", "Media"),
    ("Nimbus Cloudworks", "Software"),
    ("Opaline Cosmetics", "Consumer goods"),
    ("Parkside Vets", "Healthcare"),
    ("Riverbend Brewing", "Consumer goods"),
    ("Saffron Kitchen", "Retail"),
    ("Thistle & Pine", "Retail"),
    ("Upland Farms", "Consumer goods"),
    ("Vesper Audio", "Consumer goods"),
    ("Willowmere Insurance", "Financial services"),
    ("Yarrow Health", "Healthcare"),
    ("Zephyr Bikes", "Retail"),
    ("Alder Street Bakery", "Retail"),
    ("Beacon Hill Legal", "Software"),
    ("Coral Reef Aquatics", "Retail"),
    ("Duskwood Interactive", "Gaming"),
    ("Emberline Studios", "Media"),
    ("Fjordline Shipping", "Logistics"),
    ("Goldcrest Wealth", "Financial services"),
    ("Hollowbrook Estates", "Real estate"),
    ("Ivy Lane Learning", "Education"),
    ("Jetstream Couriers", "Logistics"),
    ("Kitewing Drones", "Manufacturing"),
    ("Lanternfish Labs", "Software"),
    ("Maplecroft Homes", "Real estate"),
    ("Nettle & Fern", "Consumer goods"),
    ("Orbitra Space Systems", "Manufacturing"),
    ("Pebblestone Dental", "Healthcare"),
    ("Quayside Markets", "Retail"),
    ("Rookery Digital", "Media"),
    ("Sparrowhawk Security", "Software"),
    ("Tern Analytics", "Software"),
    ("Umberfield Foods", "Consumer goods"),
    ("Valewood Furniture", "Retail"),
    ("Waypoint Charters", "Travel"),
    ("Brackenridge Clinics", "Healthcare"),
    ("Cobalt Crane Construction", "Manufacturing"),
    ("Dovetail Craft Co", "Retail"),
    ("Elmstead Academy", "Education"),
    ("Firefly Solar", "Energy"),
    ("Glasswing Health", "Healthcare"),
    ("Harrowgate Tools", "Manufacturing"),
    ("Inkwell Stationery", "Retail"),
    ("Jadeport Imports", "Logistics"),
    ("Larchmont Property", "Real estate"),
    ("Mistral Wines", "Consumer goods"),
    ("Ouzel Software", "Software"),
    ("Plover Pet Supplies", "Retail"),
    ("Quokka Games", "Gaming"),
    ("Rushmoor Transit", "Logistics"),
    ("Wildflower Relief", "Nonprofit"),
    ("Gannet Learning Trust", "Nonprofit"),
    ("Sunfold Energy", "Energy"),
)
