; Inno Setup 6 script: FieldDesk-Setup-<version>.exe from the PyInstaller one-folder build.
; Built by packaging/windows/build.ps1 (iscc /DAppVersion=… /DSourceDir=…\dist\fielddesk).
; UNTESTED on these Linux machines: see packaging/README.md for what to check by hand on Windows.
;
; Per-user install without admin rights: the program goes to %LOCALAPPDATA%\Programs\FieldDesk,
; the data stays in %LOCALAPPDATA%\FieldDesk (platformdirs), which the uninstaller never touches.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\fielddesk"
#endif

[Setup]
AppId={{6F1C4E52-7A0B-4C8E-9E0D-3B1F5C2A9D47}
AppName=调研工作台 FieldDesk
AppVersion={#AppVersion}
AppVerName=调研工作台 FieldDesk {#AppVersion}
AppPublisher=FieldDesk
DefaultDirName={localappdata}\Programs\FieldDesk
DefaultGroupName=调研工作台
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=FieldDesk-Setup-{#AppVersion}
SetupIconFile=fielddesk.ico
UninstallDisplayIcon={app}\fielddesk.exe
UninstallDisplayName=调研工作台 FieldDesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#else
Name: "en"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
DesktopIcon=在桌面创建快捷方式
Launch=立即启动调研工作台
Uninstall=卸载调研工作台

[Tasks]
Name: "desktopicon"; Description: "{cm:DesktopIcon}"; Flags: checkedonce

[Files]
; everything PyInstaller made; never a `portable` marker (an installed copy keeps data in the profile)
Source: "{#SourceDir}\*"; DestDir: "{app}"; Excludes: "portable,data\*"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{userprograms}\调研工作台"; Filename: "{app}\fielddesk.exe"; WorkingDir: "{app}"
Name: "{userprograms}\{cm:Uninstall}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\调研工作台"; Filename: "{app}\fielddesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\fielddesk.exe"; Description: "{cm:Launch}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete]: the uninstaller removes {app} only; %LOCALAPPDATA%\FieldDesk (the data) stays.
