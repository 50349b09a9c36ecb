"""The settings page's parts (设置): office, sections, people, campaign, backups."""
