"""Views of the credentials app: management, issued credentials, wallet, public pages."""
