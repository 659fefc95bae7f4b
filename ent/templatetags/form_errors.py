"""The error summary at the top of a form (RGAA): ``{% load form_errors %}`` then
``{% error_summary form %}``.

Every error of the form at once, each linked to its field, in a box that takes the focus
when the page opens (``static/js/ent.js``): on a phone the first wrong field may be two
screens down, and a screen reader hears the whole list before walking the form.
"""

from django import template

register = template.Library()


@register.inclusion_tag("_error_summary.html")
def error_summary(form, *more_forms):
    items = []
    for one in (form, *more_forms):
        if one is None or not one.errors:
            continue
        items += [{"message": error, "anchor": ""} for error in one.non_field_errors()]
        for field in one:
            if field.is_hidden:
                items += [{"message": error, "anchor": ""} for error in field.errors]
                continue
            for error in field.errors:
                items.append({"message": error, "label": field.label,
                              "anchor": field.id_for_label or field.auto_id})
    return {"items": items}
