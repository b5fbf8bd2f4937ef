"""The till's terminal face (Textual). Start it with `TillApp(engine, till_name, settings).run()`.

Nothing here talks to the database: screens call the catalogue and sales services and pass the
ledger handle through untouched.
"""
