from django import forms, template

from inventory.models import ListingState, Marketplace

register = template.Library()

_STATE_CLASS = {
    ListingState.State.LISTED: "ok",
    ListingState.State.PENDING_ADD: "warn",
    ListingState.State.PENDING_UPDATE: "warn",
    ListingState.State.PENDING_DELETE: "warn",
    ListingState.State.NOT_LISTED: "",
}


@register.filter
def state_class(state: ListingState) -> str:
    """The badge colour of a listing state; an error shows red."""
    if state.has_error:
        return "bad"
    return _STATE_CLASS.get(state.state, "")


@register.filter
def marketplace_short(value: str) -> str:
    """'amazon_us' → 'US'."""
    if value in Marketplace.values:
        return Marketplace(value).label.removeprefix("Amazon ")
    return value


@register.filter
def is_wide(bound_field: forms.BoundField) -> bool:
    """Text areas take the whole width of the record form."""
    return isinstance(bound_field.field.widget, forms.Textarea)
