"""Tables that ``seed_demo`` draws its books from.

Well-known works with their authors, as a second-hand bookshop would stock
them, plus pieces to build plausible non-fiction titles from.
"""

# (author as "Surname, First names", title, first published)
WORKS: list[tuple[str, str, str]] = [
    ("García Márquez, Gabriel", "Cien años de soledad", "1967"),
    ("García Márquez, Gabriel", "Love in the Time of Cholera", "1985"),
    ("Zola, Émile", "Germinal", "1885"),
    ("Zola, Émile", "L'Assommoir", "1877"),
    ("Camus, Albert", "L'Étranger", "1942"),
    ("Proust, Marcel", "Du côté de chez Swann", "1913"),
    ("Borges, Jorge Luis", "Ficciones", "1944"),
    ("Cortázar, Julio", "Rayuela", "1963"),
    ("Lagerlöf, Selma", "Gösta Berlings saga", "1891"),
    ("Čapek, Karel", "R.U.R.", "1920"),
    ("Hašek, Jaroslav", "The Good Soldier Švejk", "1923"),
    ("Dostoyevsky, Fyodor", "Crime and Punishment", "1866"),
    ("Tolstoy, Leo", "Anna Karenina", "1877"),
    ("Mann, Thomas", "Der Zauberberg", "1924"),
    ("Grass, Günter", "Die Blechtrommel", "1959"),
    ("Saramago, José", "Ensaio sobre a Cegueira", "1995"),
    ("Pessoa, Fernando", "The Book of Disquiet", "1982"),
    ("Austen, Jane", "Pride and Prejudice", "1813"),
    ("Austen, Jane", "Persuasion", "1817"),
    ("Brontë, Charlotte", "Jane Eyre", "1847"),
    ("Brontë, Emily", "Wuthering Heights", "1847"),
    ("Eliot, George", "Middlemarch", "1871"),
    ("Dickens, Charles", "Great Expectations", "1861"),
    ("Dickens, Charles", "Bleak House", "1853"),
    ("Hardy, Thomas", "Tess of the d'Urbervilles", "1891"),
    ("Woolf, Virginia", "To the Lighthouse", "1927"),
    ("Joyce, James", "Dubliners", "1914"),
    ("Conrad, Joseph", "Nostromo", "1904"),
    ("Melville, Herman", "Moby-Dick", "1851"),
    ("Twain, Mark", "Adventures of Huckleberry Finn", "1884"),
    ("Wharton, Edith", "The Age of Innocence", "1920"),
    ("Fitzgerald, F. Scott", "The Great Gatsby", "1925"),
    ("Hemingway, Ernest", "The Sun Also Rises", "1926"),
    ("Steinbeck, John", "The Grapes of Wrath", "1939"),
    ("Faulkner, William", "As I Lay Dying", "1930"),
    ("Hurston, Zora Neale", "Their Eyes Were Watching God", "1937"),
    ("Ellison, Ralph", "Invisible Man", "1952"),
    ("Morrison, Toni", "Beloved", "1987"),
    ("Achebe, Chinua", "Things Fall Apart", "1958"),
    ("Ngũgĩ wa Thiong'o", "Petals of Blood", "1977"),
    ("Mahfouz, Naguib", "Palace Walk", "1956"),
    ("Pamuk, Orhan", "Benim Adım Kırmızı", "1998"),
    ("Kawabata, Yasunari", "Snow Country", "1948"),
    ("Tanizaki, Jun'ichirō", "The Makioka Sisters", "1948"),
    ("Rulfo, Juan", "Pedro Páramo", "1955"),
    ("Allende, Isabel", "La casa de los espíritus", "1982"),
    ("Llosa, Mario Vargas", "La ciudad y los perros", "1963"),
    ("Lispector, Clarice", "A Hora da Estrela", "1977"),
    ("Tolkien, J. R. R.", "The Hobbit", "1937"),
    ("Christie, Agatha", "Murder on the Orient Express", "1934"),
    ("Sayers, Dorothy L.", "Gaudy Night", "1935"),
    ("Le Guin, Ursula K.", "The Left Hand of Darkness", "1969"),
    ("Darwin, Charles", "On the Origin of Species", "1859"),
    ("Beauvoir, Simone de", "Le Deuxième Sexe", "1949"),
    ("Sebald, W. G.", "Austerlitz", "2001"),
    ("Szymborska, Wisława", "Widok z ziarnkiem piasku", "1996"),
]

# Authors of the made-up non-fiction titles below.
AUTHORS: list[str] = [
    "Ferreira, Inês",
    "Nørgaard, Søren",
    "Dubois, Hélène",
    "Müller, Jürgen",
    "O'Sullivan, Siobhán",
    "Kowalczyk, Małgorzata",
    "Åkesson, Björn",
    "Núñez, Ramón",
    "Whitcombe, Harriet",
    "Pemberton, Arthur",
    "Okonkwo, Adaeze",
    "Takahashi, Kenji",
    "Haddad, Layla",
    "Van der Berg, Pieter",
    "Rossi, Giuliana",
    "Lindqvist, Astrid",
    "MacLeod, Fiona",
    "Esposito, Carmine",
    "Şahin, Elif",
    "Beaumont, Léa",
]

SUBJECTS: list[str] = [
    "Cornish Tin Mining",
    "the Hanseatic League",
    "Victorian Botanical Illustration",
    "Early Printed Maps of Scotland",
    "the Lighthouses of Brittany",
    "English Country Churches",
    "Medieval Bookbinding",
    "the Silk Road",
    "Sailing Barges of the Thames",
    "Alpine Wild Flowers",
    "the Canals of Burgundy",
    "Nineteenth-Century Typefounders",
    "Andalusian Gardens",
    "the Orkney Islands",
    "Railway Posters",
    "Japanese Woodblock Prints",
    "the Cod Fisheries",
    "Georgian Silver",
    "Arctic Exploration",
    "Lace Making in Flanders",
]

TITLE_FORMS: list[str] = [
    "A History of {}",
    "{}: A Field Guide",
    "Notes on {}",
    "The Story of {}",
    "An Illustrated Survey of {}",
    "Letters on {}",
]

PUBLISHERS: list[tuple[str, str]] = [
    ("Penguin Books", "London"),
    ("Faber and Faber", "London"),
    ("Alfred A. Knopf", "New York"),
    ("Gallimard", "Paris"),
    ("Editorial Sudamericana", "Buenos Aires"),
    ("S. Fischer Verlag", "Berlin"),
    ("Oxford University Press", "Oxford"),
    ("Chatto & Windus", "London"),
    ("Harper & Brothers", "New York"),
    ("Éditions du Seuil", "Paris"),
    ("Anagrama", "Barcelona"),
    ("Folio Society", "London"),
    ("McClelland & Stewart", "Toronto"),
    ("Caminho", "Lisboa"),
]

BINDINGS: list[str] = [
    "Hardcover",
    "Hardcover",
    "Paperback",
    "Paperback",
    "Paperback",
    "Mass market paperback",
    "Cloth",
    "Leather",
    "Wrappers",
]

BOOK_TYPES: list[str] = ["Fiction", "Non-fiction", "Poetry", "Reference", "Travel"]

EDITIONS: list[str] = [
    "",
    "",
    "",
    "First edition",
    "First edition",
    "Second edition",
    "Book club edition",
    "Reprint",
    "Revised edition",
]

SIZES: list[str] = ["8vo", "8vo", "12mo", "4to", "Small 8vo", "Folio"]

LANGUAGES: list[str] = ["English"] * 8 + ["French", "Spanish", "German", "Portuguese"]

DEFECTS: list[str] = [
    "",
    "",
    "Light shelf wear to the spine ends.",
    "Previous owner's name on the front free endpaper.",
    "Small tear to the top of the dust jacket, not price-clipped.",
    "Ex-library with the usual stamps and pocket.",
    "Some foxing to the prelims; text clean.",
    "Remainder mark on the bottom edge.",
    "Pencil underlining in a few chapters.",
    "Jacket price-clipped and lightly sunned.",
]

FEATURES: list[str] = [
    "",
    "",
    "",
    "Signed by the author on the title page.",
    "With the publisher's compliments slip loosely inserted.",
    "Illustrated with plates and folding map.",
    "Top edge stained.",
]

LOCATIONS: list[str] = [
    f"{aisle}{shelf}" for aisle in "ABCDEFG" for shelf in range(1, 9)
]

KEYWORD_POOL: list[str] = [
    "literature",
    "classic",
    "translation",
    "history",
    "travel",
    "natural history",
    "collectible",
    "first edition",
    "signed",
    "illustrated",
    "maritime",
    "gardening",
]

IMAGE_HOST = "https://images.example.com/books"
