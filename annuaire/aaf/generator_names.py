"""Word lists for the AAF generator: people's names, places, streets, and the BCN codes it uses.

Every string here is encodable in ISO-8859-15 (Latin-9): the generator can write either
encoding. Subject codes and labels are real BCN ones, taken from the MatiereEducNat file of the
MEN 2013 test set and from a SIECLE 2019-20 nomenclature (``../shared/samples``); MEF codes
likewise, except the « terminale générale » one, built by analogy with the « première
générale » code (no sample holds it).
"""

# First names of adults (parents, staff) and of pupils: two generations.
MALE_FIRST_NAMES = (
    "Adam", "Adrien", "Ahmed", "Alexandre", "Alexis", "Amine", "Antoine", "Anthony", "Arthur",
    "Aurélien", "Baptiste", "Benjamin", "Benoît", "Bilal", "Bruno", "Cédric", "Christophe",
    "Clément", "Corentin", "Damien", "David", "Denis", "Dylan", "Édouard", "Éric", "Fabrice",
    "Florian", "François", "Frédéric", "Gabriel", "Gaël", "Gaëtan", "Gilles", "Grégoire",
    "Guillaume", "Guy", "Hamza", "Hervé", "Hugo", "Ibrahim", "Jean", "Jean-Baptiste", "Jean-François",
    "Jean-Luc", "Jean-Marc", "Jean-Pierre", "Jérémy", "Jérôme", "João", "Joël", "José", "Jules",
    "Julien", "Karim", "Kévin", "Laurent", "Léo", "Léon", "Loïc", "Louis", "Luc", "Lucas",
    "Mamadou", "Marc", "Maxime", "Mehdi", "Michel", "Mohamed", "Moussa", "Nathan", "Nicolas",
    "Noël", "Olivier", "Pascal", "Patrick", "Paul", "Philippe", "Pierre", "Pierre-Louis",
    "Quentin", "Raphaël", "Rémi", "Romain", "Samuel", "Sébastien", "Stéphane", "Sylvain",
    "Théo", "Thibault", "Thierry", "Thomas", "Tom", "Valentin", "Victor", "Vincent", "Xavier",
    "Yann", "Yassine", "Youssef", "Yves",
)

FEMALE_FIRST_NAMES = (
    "Agnès", "Aïcha", "Alice", "Amandine", "Amélie", "Anaïs", "Anne", "Anne-Sophie", "Aurélie",
    "Béatrice", "Bérénice", "Brigitte", "Camille", "Cécile", "Céline", "Chantal", "Chloé",
    "Christelle", "Clara", "Clémence", "Constance", "Coralie", "Delphine", "Dominique", "Élise",
    "Élodie", "Émilie", "Emma", "Emmanuelle", "Estelle", "Éva", "Fatima", "Fatoumata",
    "Florence", "Françoise", "Gaëlle", "Geneviève", "Hélène", "Héloïse", "Inès", "Isabelle",
    "Jeanne", "Joëlle", "Julie", "Juliette", "Justine", "Karine", "Lætitia", "Laura",
    "Laurence", "Léa", "Louise", "Lucie", "Maëlle", "Manon", "Margaux", "Marie",
    "Marie-Christine", "Marie-Claire", "Marie-Hélène", "Marine", "Mathilde", "Mélanie",
    "Mireille", "Myriam", "Nadia", "Nathalie", "Noémie", "Océane", "Ophélie", "Pauline",
    "Perrine", "Rosalie", "Rose", "Sabrina", "Salomé", "Samia", "Sandrine", "Sarah", "Séverine",
    "Solène", "Sophie", "Stéphanie", "Sylvie", "Valérie", "Véronique", "Yasmine", "Yvette",
)

YOUNG_MALE_FIRST_NAMES = (
    "Aaron", "Adam", "Ali", "Amir", "Arthur", "Axel", "Aylan", "Baptiste", "Bilal", "Clément",
    "Côme", "Eden", "Éliott", "Elias", "Enzo", "Ethan", "Evan", "Gabin", "Gabriel", "Hugo",
    "Ibrahim", "Ilyès", "Isaac", "Jules", "Kaïs", "Kylian", "Léo", "Léon", "Lenny", "Liam",
    "Louis", "Lucas", "Malo", "Marius", "Martin", "Mathéo", "Mathis", "Maël", "Mohamed",
    "Nathan", "Naël", "Noah", "Noé", "Nolan", "Paul", "Raphaël", "Rayan", "Romain", "Sacha",
    "Samuel", "Simon", "Théo", "Timéo", "Tom", "Victor", "Yanis", "Youssef", "Zakaria",
    "Jean-Baptiste", "Pierre-Louis", "Louis-Marie",
)
YOUNG_FEMALE_FIRST_NAMES = (
    "Adèle", "Aïcha", "Alice", "Alicia", "Anaïs", "Camille", "Chloé", "Clara", "Clémence",
    "Constance", "Elsa", "Emma", "Éva", "Héloïse", "Inès", "Jeanne", "Julia", "Juliette", "Léa",
    "Lisa", "Louise", "Lucie", "Maëlle", "Manon", "Margaux", "Mathilde", "Océane", "Rose",
    "Salomé", "Sarah", "Yasmine", "Anne-Lise", "Marie-Lou", "Lilou", "Noémie", "Éloïse",
    "Héléna",
)

SURNAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
    "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez",
    "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard",
    "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Philippe",
    "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc", "Payet", "Rolland", "Leclercq",
    "Guillaume", "Lecomte", "Lopez", "Dupuy", "Guillot", "Hubert", "Berger", "Carpentier",
    "Sanchez", "Dupuis", "Moulin", "Deschamps", "Huet", "Vasseur", "Perez", "Boucher", "Fleury",
    "Royer", "Klein", "Jacquet", "Adam", "Poirier", "Marty", "Aubry", "Guyot", "Carré",
    "Charpentier", "Ménard", "Maillard", "Baron", "Bertin", "Bailly", "Hervé", "Schneider",
    "Fernandez", "Le Gall", "Collet", "Léger", "Bouvier", "Prévost", "Millet", "Perrot",
    "Le Roux", "Cousin", "Germain", "Breton", "Besson", "Langlois", "Rémy", "Le Goff",
    "Pelletier", "Lévêque", "Perrier", "Leblanc", "Barré", "Lebrun", "Marchal", "Weber",
    "Mallet", "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Rodriguez", "Guichard",
    "Gillet", "Étienne", "Grondin", "Poulain", "Tessier", "Chauvin", "Da Silva", "Bouchet",
    "Lemaître", "Bénard", "Humbert", "Reynaud", "Antoine", "Hoarau", "Perret", "Barthélemy",
    "Cordier", "Pichon", "Lejeune", "Gilbert", "Lamy", "Delaunay", "Pasquier", "Laporte",
    "Nguyen", "Tran", "Ben Ali", "Haddad", "El Amrani", "Mansouri", "Bensaïd", "Traoré",
    "Diallo", "N'Diaye", "Camara", "Koné", "Diop", "Cissé", "D'Almeida", "Dos Santos",
    "Pereira", "Ferreira", "Rodrigues", "Gonçalves", "Oliveira", "De Sousa", "Rossi", "Russo",
    "de La Fontaine", "de Saint-Just", "du Bellay", "d'Aubigné", "Le Métayer", "Le Bihan",
    "Le Floch", "Lecœur", "Dubœuf", "Œhmichen", "Saint-Martin", "Bouvier-Rémy",
    "Berthier-Dumas", "Chaput-Lenoir", "Mühlbach", "Álvarez", "Müller",
    "Ould Ahmed", "O'Neill", "L'Hôte", "Dell'Aquila",
)

# Eponyms of establishments, as the UAI directory writes them (upper case, no accents).
ETAB_EPONYMS = (
    "JEAN MOULIN", "VICTOR HUGO", "JULES FERRY", "JEAN JAURES", "LOUIS PASTEUR", "MARIE CURIE",
    "JEAN DE LA FONTAINE", "ALBERT CAMUS", "JACQUES PREVERT", "ANTOINE DE SAINT-EXUPERY",
    "SIMONE VEIL", "LOUISE MICHEL", "GEORGE SAND", "PAUL ELUARD", "JEAN MACE", "CONDORCET",
    "VOLTAIRE", "MOLIERE", "JEAN RACINE", "ARISTIDE BRIAND", "GEORGES BRASSENS", "COLETTE",
    "JULES VERNE", "EMILE ZOLA", "MARCEL PAGNOL", "JEAN ROSTAND", "ELSA TRIOLET",
    "HENRI BARBUSSE", "JEAN-PHILIPPE RAMEAU", "CLAUDE DEBUSSY", "HECTOR BERLIOZ",
    "FREDERIC MISTRAL", "ANDRE MALRAUX", "RENE CASSIN", "PABLO PICASSO", "AUGUSTE RENOIR",
    "CLAUDE MONET", "LEONARD DE VINCI", "GALILEE", "JEAN MERMOZ", "ROBERT DOISNEAU",
    "LUCIE AUBRAC", "GERMAINE TILLION", "OLYMPE DE GOUGES", "JOSEPHINE BAKER", "AMPERE",
    "LA MARTINIERE", "LES CHARTREUX", "DU PARC", "DES SEPT CHEMINS", "L'ASTREE",
    "D'ARSONVAL", "DE L'EUROPE", "ANNE FRANK", "NELSON MANDELA", "BERTIE ALBRECHT",
    "PIERRE BROSSOLETTE", "CHARLES PEGUY", "ALPHONSE DAUDET", "GUY DE MAUPASSANT",
    "GUSTAVE FLAUBERT", "STENDHAL", "HONORE DE BALZAC", "PAUL VERLAINE", "ARTHUR RIMBAUD",
    "CHARLES BAUDELAIRE", "ALFRED DE MUSSET", "ALEXANDRE DUMAS", "MARGUERITE YOURCENAR",
    "MARGUERITE DURAS", "SIMONE DE BEAUVOIR", "RENE DESCARTES", "BLAISE PASCAL",
    "PIERRE DE RONSARD", "JOACHIM DU BELLAY", "FRANCOIS RABELAIS", "MICHEL DE MONTAIGNE",
    "JEAN MONNET", "ROBERT SCHUMAN", "JEAN ZAY", "JEAN GIONO", "LOUIS ARAGON",
    "ANDRE CHENIER", "THEODORE MONOD", "PAUL-EMILE VICTOR", "JACQUES-YVES COUSTEAU",
    "HUBERT REEVES", "CAMILLE CLAUDEL", "BERTHE MORISOT", "ROSA PARKS", "MARIE MARVINGT",
    "LES IRIS", "LES TILLEULS", "LE CHAMP DE LA VIGNE", "LA XAVIERE", "LES BATTIERES",
)

# (city, postal code, département, bassin code, bassin label)
CITIES = (
    ("LYON", "69003", "069", "69101", "LYON CENTRE"),
    ("LYON", "69007", "069", "69101", "LYON CENTRE"),
    ("LYON", "69008", "069", "69102", "LYON EST"),
    ("LYON", "69009", "069", "69103", "LYON OUEST"),
    ("VILLEURBANNE", "69100", "069", "69102", "LYON EST"),
    ("VENISSIEUX", "69200", "069", "69104", "LYON SUD-EST"),
    ("VAULX-EN-VELIN", "69120", "069", "69102", "LYON EST"),
    ("BRON", "69500", "069", "69102", "LYON EST"),
    ("CALUIRE-ET-CUIRE", "69300", "069", "69105", "LYON NORD"),
    ("SAINT-PRIEST", "69800", "069", "69104", "LYON SUD-EST"),
    ("RILLIEUX-LA-PAPE", "69140", "069", "69105", "LYON NORD"),
    ("OULLINS-PIERRE-BENITE", "69600", "069", "69106", "LYON SUD"),
    ("DECINES-CHARPIEU", "69150", "069", "69102", "LYON EST"),
    ("MEYZIEU", "69330", "069", "69102", "LYON EST"),
    ("ECULLY", "69130", "069", "69103", "LYON OUEST"),
    ("TASSIN-LA-DEMI-LUNE", "69160", "069", "69103", "LYON OUEST"),
    ("L'ARBRESLE", "69210", "069", "69107", "BEAUJOLAIS"),
    ("VILLEFRANCHE-SUR-SAONE", "69400", "069", "69107", "BEAUJOLAIS"),
    ("TARARE", "69170", "069", "69107", "BEAUJOLAIS"),
    ("GIVORS", "69700", "069", "69106", "LYON SUD"),
    ("SAINT-ETIENNE", "42000", "042", "42101", "SAINT-ETIENNE"),
    ("SAINT-ETIENNE", "42100", "042", "42101", "SAINT-ETIENNE"),
    ("L'HORME", "42152", "042", "42102", "GIER"),
    ("SAINT-CHAMOND", "42400", "042", "42102", "GIER"),
    ("RIVE-DE-GIER", "42800", "042", "42102", "GIER"),
    ("FIRMINY", "42700", "042", "42103", "ONDAINE"),
    ("ROANNE", "42300", "042", "42104", "ROANNAIS"),
    ("MONTBRISON", "42600", "042", "42105", "FOREZ"),
    ("SAINT-JUST-SAINT-RAMBERT", "42170", "042", "42105", "FOREZ"),
    ("BOURG-EN-BRESSE", "01000", "001", "01101", "BOURG-EN-BRESSE"),
    ("OYONNAX", "01100", "001", "01102", "HAUT-BUGEY"),
    ("AMBERIEU-EN-BUGEY", "01500", "001", "01103", "BUGEY"),
    ("BELLEY", "01300", "001", "01103", "BUGEY"),
    ("GEX", "01170", "001", "01104", "PAYS DE GEX"),
    ("FERNEY-VOLTAIRE", "01210", "001", "01104", "PAYS DE GEX"),
    ("SAINT-GENIS-POUILLY", "01630", "001", "01104", "PAYS DE GEX"),
    ("MIRIBEL", "01700", "001", "01105", "COTIERE"),
    ("TREVOUX", "01600", "001", "01106", "DOMBES"),
    ("VILLARS-LES-DOMBES", "01330", "001", "01106", "DOMBES"),
)

STREETS = (
    "RUE DES LILAS", "AVENUE JEAN JAURES", "BOULEVARD DES BELGES", "RUE DE LA REPUBLIQUE",
    "CHEMIN DU MOULIN", "ALLEE DES TILLEULS", "IMPASSE DES ROSES", "RUE PASTEUR",
    "COURS LAFAYETTE", "RUE D'AUVERGNE", "ROUTE DE GENEVE", "MONTEE DE LA GRANDE COTE",
    "QUAI CLAUDE BERNARD", "RUE DU 8 MAI 1945", "RUE VICTOR HUGO", "AVENUE DU GENERAL LECLERC",
    "RUE DE LA GARE", "PLACE DE L'EGLISE", "RUE DES ECOLES", "CHEMIN DES VIGNES",
    "RUE DU STADE", "AVENUE DE LA LIBERATION", "RUE JULES FERRY", "RUE DES ACACIAS",
    "GRANDE RUE", "RUE DU CHATEAU", "CHEMIN DE LA CROIX", "RUE ANATOLE FRANCE",
    "RUE DE L'INDUSTRIE", "AVENUE ROGER SALENGRO", "RUE PAUL BERT", "RUE DES CERISIERS",
    "BOULEVARD DE LA CROIX-ROUSSE", "RUE GARIBALDI", "RUE DU PROFESSEUR GROS",
)
RESIDENCES = (
    "RESIDENCE LES PINS", "RESIDENCE DU PARC", "LES JARDINS D'ORIENT", "LE CLOS FLEURI",
    "RESIDENCE BELLEVUE", "LES HAUTS DE SAONE",
)

# Subjects: BCN code → label, as the MatiereEducNat file writes them.
SUBJECTS = {
    "020700": "FRANCAIS",
    "061300": "MATHEMATIQUES",
    "040600": "HISTOIRE ET GEOGRAPHIE",
    "041400": "EDUCATION CIVIQUE",
    "043800": "ENSEIGNEMENT MORAL ET CIVIQUE",
    "030201": "ANGLAIS LV1",
    "030602": "ESPAGNOL LV2",
    "030102": "ALLEMAND LV2",
    "062900": "SCIENCES DE LA VIE ET DE LA TERRE",
    "062300": "PHYSIQUE-CHIMIE",
    "070800": "TECHNOLOGIE",
    "090100": "ARTS PLASTIQUES",
    "081300": "EDUCATION MUSICALE",
    "100100": "EDUCATION PHYSIQUE ET SPORTIVE",
    "020100": "LATIN",
    "020300": "LANGUES ET CULTURES DE L'ANTIQUITE LATIN",
    "008400": "VIE DE CLASSE",
    "006600": "ACCOMPAGNEMENT PERSONNALISE",
    "065300": "ENSEIGNEMENT SCIENTIFIQUE",
    "050700": "SCIENCES ECONOMIQUES ET SOCIALES",
    "074600": "SCIENCES NUMERIQUES ET TECHNOLOGIE",
    "074700": "NUMERIQUE ET SCIENCES INFORMATIQUES",
    "043900": "HIST.-GEO. GEOPOLITIQUE & SC.POLITIQUES",
    "010300": "PHILOSOPHIE",
    "275700": "HISTOIRE DES ARTS",
}

# Teaching disciplines of a teacher's post: subject → (discipline code, label, category).
DISCIPLINES = {
    "020700": ("L0202", "LETTRES MODERNES", "02", "LETTRES"),
    "020100": ("L0201", "LETTRES CLASSIQUES", "02", "LETTRES"),
    "061300": ("L1300", "MATHEMATIQUES", "13", "MATHEMATIQUES"),
    "040600": ("L1000", "HISTOIRE ET GEOGRAPHIE", "10", "HISTOIRE ET GEOGRAPHIE"),
    "030201": ("L0422", "ANGLAIS", "04", "LANGUES VIVANTES"),
    "030602": ("L0426", "ESPAGNOL", "04", "LANGUES VIVANTES"),
    "030102": ("L0421", "ALLEMAND", "04", "LANGUES VIVANTES"),
    "062900": ("L1600", "SCIENCES DE LA VIE ET DE LA TERRE", "16", "SCIENCES DE LA VIE ET DE LA TERRE"),
    "062300": ("L1500", "PHYSIQUE CHIMIE", "15", "PHYSIQUE CHIMIE"),
    "070800": ("L1400", "TECHNOLOGIE", "14", "TECHNOLOGIE"),
    "090100": ("L1800", "ARTS PLASTIQUES", "18", "ARTS PLASTIQUES"),
    "081300": ("L1700", "EDUCATION MUSICALE", "17", "EDUCATION MUSICALE"),
    "100100": ("L1900", "EDUCATION PHYSIQUE ET SPORTIVE", "19", "EDUCATION PHYSIQUE ET SPORTIVE"),
    "050700": ("L1100", "SCIENCES ECONOMIQUES ET SOCIALES", "11", "SCIENCES ECONOMIQUES ET SOCIALES"),
    "010300": ("L0100", "PHILOSOPHIE", "01", "PHILOSOPHIE"),
}

# Levels: code prefix, MEF code, MEF label, ENTEleveNivFormation, ENTEleveFiliere, MEF
# rattachement, MEFSTAT11, school age at the start of the year.
LEVELS = {
    "6": ("10010012110", "6EME", "6EME", "6EME", "10010012110", "21110010012", 11),
    "5": ("10110001110", "5EME", "5EME", "5EME", "10110001110", "21120010001", 12),
    "4": ("10210001110", "4EME", "4EME GENERALE (N.C 4E AES)", "4EME GENERALE (N.C 4E AES)",
          "10210001110", "21150010001", 13),
    "3": ("10310019110", "3EME", "3EME GENERALE", "3EME GENERALE", "10310019110",
          "21160010019", 14),
    "2NDE": ("20010018110", "2NDE GENERALE ET TECHNOLOGIQUE", "SECONDE GENERALE & TECHNO YC BT",
             "SECONDE GENERALE", "20010018110", "22111410018", 15),
    "1G": ("20110019110", "PREMIERE GENERALE", "PREMIERE GENERALE & TECHNO YC BT",
           "1ERE  GENERALE", "20110019110", "22121810019", 16),
    "TG": ("20210019110", "TERMINALE GENERALE", "TERMINALE GENERALE & TECHNO YC BT",
           "TERMINALE GENERALE", "20210019110", "22131810019", 17),
}

# Relatives' link codes (BCN N_LIEN_ELEVE_RESPONSABLE, since 2020).
LINK_MERE, LINK_PERE, LINK_ASCENDANT, LINK_AUTRE_FAMILLE, LINK_TUTEUR, LINK_ASE = (
    "10", "20", "38", "39", "50", "51")

REGIMES = (
    ("DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT 4", 45),
    ("DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT 5", 15),
    ("EXTERNE LIBRE", 30),
    ("DEMI-PENSIONNAIRE DANS L'ETABLISSEMENT", 7),
    ("INTERNE 5 JOURS", 3),
)

# Staff functions other than teaching: (code, label, discipline code, discipline label).
FN_CHEF = ("DIR", "DIRECTION", "D0010", "CHEF D'ETABLISSEMENT")
FN_ADJOINT = ("DIR", "DIRECTION", "D0011", "CHEF D'ETABLISSEMENT ADJOINT")
FN_CPE = ("EDU", "EDUCATION", "E0030", "CONSEILLER PRINCIPAL D'EDUCATION")
FN_DOC = ("DOC", "DOCUMENTATION", "L0080", "DOCUMENTATION")
FN_AED = ("AED", "ASSISTANT D'EDUCATION", "E0090", "ASSISTANT D'EDUCATION")
FN_GESTION = ("ADF", "ADMINISTRATION", "A0010", "ADJOINT GESTIONNAIRE")
FN_SECRETARIAT = ("ADF", "ADMINISTRATION", "A0030", "SECRETARIAT DE DIRECTION")
FN_AGENT = ("OUV", "PERSONNEL OUVRIER", "P0010", "AGENT D'ENTRETIEN ET D'ACCUEIL")
FN_LABO = ("LAB", "LABORATOIRE", "B0010", "TECHNICIEN DE LABORATOIRE")
FN_INFIRMIER = ("MDS", "MEDICO-SOCIAL", "S0010", "INFIRMIER")
