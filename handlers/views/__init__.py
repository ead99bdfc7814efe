"""What a person sees: texts, cards, keyboards, button data, lists and charts, for the handlers and
the scheduler alike. Builders only read what the services return; nothing here queries the
database or decides a rule."""
