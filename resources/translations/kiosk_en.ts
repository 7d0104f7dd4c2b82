<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>DoorScreen</name>
    <message numerus="yes">
        <location filename="../../kiosk/ui/door_screen.py" line="+279"/>
        <source>● OFFLINE · %n scans to sync</source>
        <translation>
            <numerusform>● OFFLINE · %n scan to sync</numerusform>
            <numerusform>● OFFLINE · %n scans to sync</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location line="+22"/>
        <source>%n more scans waiting…</source>
        <translation>
            <numerusform>%n more scan waiting…</numerusform>
            <numerusform>%n more scans waiting…</numerusform>
        </translation>
    </message>
</context>
</TS>
