"""``{% load timetable %}{% timetable_link person %}``: a person card's link to their week,
for those who may open it (``ent.rights``), nothing for the others."""

from django import template

from ent.french import de
from viescolaire.selectors import timetable_person_url

register = template.Library()


@register.inclusion_tag("viescolaire/_person_link.html", takes_context=True)
def timetable_link(context, person):
    url = timetable_person_url(viewer=context["user"], person=person)
    return {"url": url, "label": f"Emploi du temps {de(person.display_name)}"}
