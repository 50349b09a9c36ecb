"""Excel in and out: importing the sheets offices keep, exporting sheets as good as hand-made ones."""
