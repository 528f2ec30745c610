"""The configuration site: touchpoint types, places, people and their import, failed sign-ins,
undone moments and the audit trail. It reads `people` and the front line; neither reads it."""
