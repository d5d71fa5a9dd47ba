from django.urls import path

from sso.rest import views

urlpatterns = [
    path("auth/saml/<str:subdomain>/metadata", views.metadata, name="saml-metadata"),
    path("auth/saml/<str:subdomain>/login", views.login, name="saml-login"),
    path("auth/saml/<str:subdomain>/acs", views.acs, name="saml-acs"),
    path("auth/saml/<str:subdomain>/exchange", views.exchange, name="saml-exchange"),
]
