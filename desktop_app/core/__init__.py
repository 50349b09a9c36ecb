"""The bottom layer every capability may use: errors, the audit trail, the data folder and its database
connection (context, config, backup, lock, server), attachments, roles."""
