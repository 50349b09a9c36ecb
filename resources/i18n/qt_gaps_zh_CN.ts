<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- Qt's own strings that qtbase_zh_CN (shipped in the PySide6 wheel) leaves in English: the file
     dialog's "Look in"/"Files of type" labels and the type column of the file list. Compile with
     pyside6-lrelease qt_gaps_zh_CN.ts (gives qt_gaps_zh_CN.qm, which ui/app.py loads). -->
<TS version="2.1" language="zh_CN">
<context>
    <name>QFileDialog</name>
    <message><source>&amp;Look in:</source><translation>查找范围(&amp;L)：</translation></message>
    <message><source>Files of &amp;type:</source><translation>文件类型(&amp;T)：</translation></message>
    <message><source>Cancel</source><translation>取消</translation></message>
</context>
<context>
    <name>QFileSystemModel</name>
    <message><source>Size</source><translation>大小</translation></message>
</context>
<context>
    <name>QAbstractFileIconProvider</name>
    <message><source>Folder</source><translation>文件夹</translation></message>
    <message><source>Folder</source><comment>All other platforms</comment><translation>文件夹</translation></message>
    <message><source>Drive</source><translation>驱动器</translation></message>
    <message><source>File</source><translation>文件</translation></message>
    <message><source>%1 File</source><comment>%1 is a file name suffix, for example txt</comment><translation>%1 文件</translation></message>
</context>
</TS>
