; 报到台账 Windows installer: per user, no administrator rights, Chinese.
; Built by packaging/build_installer.py:
;   makensis -INPUTCHARSET UTF8 -DVERSION=X.Y.Z -DBUNDLE=dir -DOUTFILE=out.exe -DICON=baodao.ico
;            -DWIZARD_BMP=installer-wizard.bmp -DSIZE_KB=N baodao.nsi
; The program goes to %LOCALAPPDATA%\Programs\Baodao; the ledger, backups and settings live in
; %LOCALAPPDATA%\Baodao (the app's data folder), which upgrades never touch and uninstalling
; keeps unless the user ticks the box.

; A 64-bit installer: the bundle is 64-bit only, and Wine runs it without its 32-bit part.
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel user
SetCompressor /SOLID lzma
SetCompressorDictSize 64

!define APP_NAME "报到台账"
!define APP_KEY "Baodao"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_KEY}"
!define DATA_DIR "$LOCALAPPDATA\${APP_KEY}"

Name "${APP_NAME} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP_KEY}"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
BrandingText "${APP_NAME} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=2052 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=2052 "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=2052 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=2052 "LegalCopyright" "报到台账"

!include "MUI2.nsh"
!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEFINISHPAGE_BITMAP "${WIZARD_BMP}"
!define MUI_WELCOMEPAGE_TEXT "将把 ${APP_NAME} ${VERSION} 安装到本机当前用户，不需要管理员权限。$\r$\n$\r$\n台账、备份和设置保存在 ${DATA_DIR}，升级安装不会改动它们。$\r$\n$\r$\n点击“下一步”继续。"
!define MUI_FINISHPAGE_RUN
!define MUI_FINISHPAGE_RUN_FUNCTION LaunchApp
!define MUI_FINISHPAGE_RUN_TEXT "立即打开 ${APP_NAME}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH

!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从本机删除 ${APP_NAME} 程序。$\r$\n你的台账、备份和设置保存在 ${DATA_DIR}，默认保留；如需一并删除，请在下一页勾选。"
!insertmacro MUI_UNPAGE_CONFIRM
!define MUI_COMPONENTSPAGE_SMALLDESC
!define MUI_COMPONENTSPAGE_TEXT_TOP "默认只删除程序，台账、备份和设置保留在 ${DATA_DIR}。勾选第二项会把它们一并删除，且无法恢复。"
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

Function LaunchApp
  Exec '"$INSTDIR\python\pythonw.exe" "$INSTDIR\app\start_baodao.pyw"'
FunctionEnd

Section "程序" SecProgram
  SectionIn RO
  SetShellVarContext current
  ; An upgrade replaces the program folders whole (no stale modules); data is elsewhere.
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\app"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\python\pythonw.exe" '"$INSTDIR\app\start_baodao.pyw"' "$INSTDIR\app\resources\icons\baodao.ico" 0 SW_SHOWNORMAL "" "${APP_NAME}：社区双报到一账三卡"
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\python\pythonw.exe" '"$INSTDIR\app\start_baodao.pyw"' "$INSTDIR\app\resources\icons\baodao.ico" 0 SW_SHOWNORMAL "" "${APP_NAME}：社区双报到一账三卡"
  CreateShortcut "$SMPROGRAMS\${APP_NAME} 使用手册.lnk" "$INSTDIR\app\docs\使用手册.pdf"
  CreateShortcut "$SMPROGRAMS\${APP_NAME}（演示）.lnk" "$INSTDIR\python\pythonw.exe" '"$INSTDIR\app\start_baodao.pyw" --demo' "$INSTDIR\app\resources\icons\baodao.ico" 0 SW_SHOWNORMAL "" "打开程序生成的虚构演示社区"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "报到台账"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\app\resources\icons\baodao.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" ${SIZE_KB}
SectionEnd

Section "un.程序" UnSecProgram
  SectionIn RO
  SetShellVarContext current
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$SMPROGRAMS\${APP_NAME} 使用手册.lnk"
  Delete "$SMPROGRAMS\${APP_NAME}（演示）.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\app"
  Delete "$INSTDIR\baodao.cmd"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DetailPrint "台账、备份和设置仍保存在 ${DATA_DIR}"
SectionEnd

Section /o "un.同时删除台账、备份和设置" UnSecData
  RMDir /r "${DATA_DIR}"
  DetailPrint "已删除 ${DATA_DIR}"
SectionEnd

!insertmacro MUI_UNFUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecProgram} "删除 $INSTDIR 中的程序，以及开始菜单和桌面上的快捷方式。"
  !insertmacro MUI_DESCRIPTION_TEXT ${UnSecData} "删除 ${DATA_DIR}：台账、全部备份、日志和界面设置。删除后无法恢复。"
!insertmacro MUI_UNFUNCTION_DESCRIPTION_END
