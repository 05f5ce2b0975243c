@echo off
rem 报到台账 command line: baodao demo / check / print ... (see "baodao --help")
"%~dp0python\python.exe" -m desktop.cli %*
