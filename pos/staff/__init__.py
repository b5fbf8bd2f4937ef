"""Staff who sign in at a till, their PINs and roles, manager approval, and the audit trail."""
