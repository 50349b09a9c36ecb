# Build FieldDesk for Windows: PyInstaller one-folder (dist\fielddesk), then FieldDesk-Setup-<version>.exe
# and a portable zip. Run from any folder in PowerShell with Python 3.11 (py launcher) and Inno Setup 6.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# UNTESTED on the Linux machines this project is developed on; see packaging/README.md.
$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $Root

function Fail($msg) { Write-Error "packaging/windows/build.ps1: build failed: $msg"; exit 1 }

if (-not (Test-Path .venv\Scripts\python.exe)) { py -3.11 -m venv .venv; if ($LASTEXITCODE) { Fail "venv" } }
.venv\Scripts\python -m pip install -q -e ".[packaging]"
if ($LASTEXITCODE) { Fail "pip install -e .[packaging]" }

$Version = (.venv\Scripts\python -c "import desktop_app; print(desktop_app.__version__)").Trim()
$env:FIELDDESK_BUILD_DATE = Get-Date -Format "yyyy-MM-dd HH:mm"
$env:FIELDDESK_BUILD_COMMIT = (git rev-parse --short HEAD 2>$null)

.venv\Scripts\python -m PyInstaller --noconfirm --clean --log-level WARN --distpath dist --workpath build\pyinstaller packaging\fielddesk.spec
if ($LASTEXITCODE) { Fail "PyInstaller (see its output above)" }
if (-not (Test-Path dist\fielddesk\fielddesk.exe)) { Fail "no dist\fielddesk\fielddesk.exe" }
if (-not (Test-Path dist\fielddesk\fielddesk-cli.exe)) { Fail "no dist\fielddesk\fielddesk-cli.exe" }

# every module named in a registry must be in the freeze (else a page/command would be missing)
foreach ($mod in (.venv\Scripts\python packaging\registries.py)) {
  if (-not (Select-String -Quiet -SimpleMatch "'$mod'" build\pyinstaller\fielddesk\PYZ-00.toc)) { Fail "registry module $mod not frozen" }
}

$Iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
          "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $Iscc) { Fail "Inno Setup 6 (ISCC.exe) not found: install it from jrsoftware.org or 'choco install innosetup'" }
& $Iscc /Q "/DAppVersion=$Version" "/DSourceDir=$Root\dist\fielddesk" packaging\windows\fielddesk.iss
if ($LASTEXITCODE) { Fail "ISCC" }

# portable zip: the same folder with a `portable` marker, so the data stays beside the program
$Port = "dist\FieldDesk-$Version-windows-x64-portable"
if (Test-Path $Port) { Remove-Item -Recurse -Force $Port }
Copy-Item -Recurse dist\fielddesk $Port
New-Item -ItemType File "$Port\portable" | Out-Null
Copy-Item packaging\linux\README-portable.txt "$Port\使用说明.txt"
Compress-Archive -Force -Path $Port -DestinationPath "$Port.zip"
Remove-Item -Recurse -Force $Port

$size = (Get-ChildItem -Recurse dist\fielddesk | Measure-Object -Sum Length).Sum / 1MB
$files = (Get-ChildItem -Recurse -File dist\fielddesk).Count
Write-Output ("FieldDesk {0}: one-folder {1:N1} MB, {2} files; setup {3:N1} MB; portable zip {4:N1} MB" -f $Version, $size, $files,
  ((Get-Item "dist\FieldDesk-Setup-$Version.exe").Length / 1MB), ((Get-Item "$Port.zip").Length / 1MB))
