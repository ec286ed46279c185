"""Pure helpers with no Django: weekdays and times, time zones, geo distance, text, settings."""
