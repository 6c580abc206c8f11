"""What Amazon's processing-report issue codes mean, and what to do next.

A report gives a code and Amazon's own sentence; booksellers need to know
which field of the record to look at. Amazon's codes come first, then the
simulator's own (4000001…, 5000001), which it uses where Amazon documents no
code. Anything else falls back to a sentence chosen by severity.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Explanation:
    meaning: str
    fix: str


EXPLANATIONS: dict[str, Explanation] = {
    # Amazon's listing issue codes.
    "90220": Explanation(
        "A piece of information Amazon requires for this kind of listing was "
        "not sent (the attribute is named beside the message).",
        "Fill in the matching field of the record (for new product pages: "
        "title, author, binding and publisher; for offers: an ISBN or ASIN) "
        "and upload again.",
    ),
    "99001": Explanation(
        "A field Amazon needs was sent empty.",
        "Open the record, fill in the field named in the message and upload again.",
    ),
    "99022": Explanation(
        "The offer has no price, or not enough values for a field that needs several.",
        "Give the record a price in the price field this service sends (see "
        "the service's settings) and upload again.",
    ),
    "5000": Explanation(
        "Amazon could not read a value: it is too long, of the wrong kind "
        "(letters where a number belongs), negative, or not one of the "
        "allowed values.",
        "Correct the field the message names; quantities must be whole "
        "numbers of zero or more and prices plain numbers.",
    ),
    "8541": Explanation(
        "What the record says about the book differs from Amazon's catalogue "
        "page for that ISBN or ASIN.",
        "Check that the ISBN or ASIN is the right one for this edition; if it "
        "is, leave out the conflicting bibliographic details and list it as "
        "an offer on the existing page.",
    ),
    "8542": Explanation(
        "The identifiers of the record point to different Amazon pages, or "
        "its details conflict with the page they point to.",
        "Keep one identifier: the ASIN of the exact edition, or its ISBN. "
        "Remove an ISBN or ASIN that belongs to another edition.",
    ),
    "8560": Explanation(
        "Amazon found no page for the SKU and did not have enough details to "
        "create one. An ISBN with a wrong check digit often causes this.",
        "Check the ISBN digit by digit; if the book has none, fill in title, "
        "author, publisher and binding so a new page can be made.",
    ),
    "8566": Explanation(
        "No Amazon product matches the ISBN, ASIN or other identifier sent.",
        "Look the book up on Amazon and copy the ASIN of the matching "
        "edition into the record, or clear the identifier and send full "
        "bibliographic details instead.",
    ),
    "8572": Explanation(
        "Amazon believes the identifier does not belong to the book being listed.",
        "Make sure the ISBN or ASIN is the one printed in or assigned to "
        "this very edition; never reuse one from a similar book.",
    ),
    "13013": Explanation(
        "Amazon has no listing with this SKU to change or remove.",
        "If the book should be on Amazon, set the record for upload again so "
        "it is sent as a new listing; if it was being removed, nothing more "
        "is needed.",
    ),
    "18027": Explanation(
        "The listing is restricted: this seller account needs Amazon's "
        "approval for this product, category or condition.",
        "Ask for approval in Seller Central (Catalogue → Add products → "
        "Listing limitations apply), or choose a condition you are allowed "
        "to use.",
    ),
    "18028": Explanation(
        "The product is restricted for this seller account or marketplace.",
        "Request approval in Seller Central, or withdraw the record from this service.",
    ),
    "90057": Explanation(
        "Amazon did not accept a value given for an attribute, often a "
        "condition or product type that this product does not allow.",
        "Check the attribute named in the message (for books usually the "
        "Amazon condition) and choose an allowed value.",
    ),
    # The simulator's own codes.
    "4000001": Explanation(
        "The message did not have the shape the listings feed requires.",
        "This comes from how the feed was built, not from the record; send "
        "the record again and report it if it repeats.",
    ),
    "4000002": Explanation(
        "A value was not allowed: the condition, the price (or its minimum "
        "and maximum), the currency, the quantity, or a SKU longer than 40 "
        "characters.",
        "Correct the field the message names; check the price against the "
        "service's minimum and maximum price.",
    ),
    "4000003": Explanation(
        "Amazon knows no product with the ISBN or ASIN sent.",
        "Check the ISBN or ASIN; if it is right but Amazon has no page yet, "
        "fill in title, author, publisher and binding so one is created.",
    ),
    "4000004": Explanation(
        "Only the price or quantity was sent, but Amazon has no listing with "
        "this SKU to change.",
        "Set the record for upload again so the whole listing is sent.",
    ),
    "4000005": Explanation(
        "The listing used a product type Amazon does not accept here.",
        "Send the record again; if it repeats, check its binding and type.",
    ),
    "5000001": Explanation(
        "Amazon rejected the whole feed before reading its listings.",
        "Nothing in the records was changed. Send the feed again from this "
        "page; if it fails again, start a new upload.",
    ),
}

BY_SEVERITY: dict[str, Explanation] = {
    "ERROR": Explanation(
        "Amazon refused this listing; the record stays set for upload.",
        "Read Amazon's message, correct the record, and upload again.",
    ),
    "WARNING": Explanation(
        "Amazon accepted the listing but noted a problem with it.",
        "Nothing has to be done now; correct the record when you can.",
    ),
    "INFO": Explanation(
        "A note from Amazon; the listing was not refused.",
        "Nothing to do.",
    ),
}


def explain(code: str, severity: str = "ERROR") -> Explanation:
    """The meaning and fix for ``code``, or a plain one by severity."""
    found = EXPLANATIONS.get(code.strip())
    if found is not None:
        return found
    return BY_SEVERITY.get(severity.upper(), BY_SEVERITY["ERROR"])
