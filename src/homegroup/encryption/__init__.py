"""Field encryption (H-04): the key ring (`crypto`) and `EncryptedTextField` (`fields`), which
binds each value to its table, column and row. Below every app that stores a person's words or
a secret (accounts' authenticator secrets, privacy, journal, care); it imports only Django and
`cryptography`. Not a Django app: it has no models.
"""
