"""Word documents (.docx) in the 党政机关公文格式 of GB/T 9704-2012 (``official``) and the kinds FieldDesk writes."""
