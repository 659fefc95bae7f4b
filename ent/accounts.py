from allauth.account.adapter import DefaultAccountAdapter


class PortalAccountAdapter(DefaultAccountAdapter):
    """Accounts come from the directory feed: nobody signs up."""

    def is_open_for_signup(self, request):
        return False
