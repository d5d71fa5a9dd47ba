"""SAML 2.0 single sign-on per workspace: identity-provider settings, SP metadata, sign-in."""
