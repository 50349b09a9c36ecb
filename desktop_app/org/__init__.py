"""The office and its people (单位、科室、人员), this PC's accounts, settings, whose rows are whose (ownership,
field ownership) and the office's own keys — what every capability asks about the organisation."""
