"""A paginator that never counts past a cap: a directory of a million people is not counted
to draw « page 1 sur 40 000 ». Beyond the cap the page says « plus de 1 000 » and asks for a
narrower search; the pages up to the cap stay reachable."""

from functools import cached_property

from django.core.paginator import Paginator

COUNT_CAP = 1000


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap=COUNT_CAP, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self):
        """How many, up to ``cap`` + 1: ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``, without
        the order, which a count does not need."""
        return min(self.object_list.order_by()[:self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self):
        """Whether there are more than ``cap`` results (then ``count`` is cap + 1)."""
        return self.count > self.cap

    @cached_property
    def num_pages(self):
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages

    def page(self, number):
        """The page, whose last one stops at the cap rather than one past it."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.cap if self.capped else self.count)
        return self._get_page(self.object_list[bottom:top], number, self)
