"""Command line (DESIGN.md §6). Every command calls the same services as the GUI.

Human summaries by default, ``--json`` for scripts; failures exit non-zero with a
Chinese message on stderr. Commands of capabilities live in their own modules
and are imported only when used, so ``fielddesk --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
from collections.abc import Callable

from desktop_app import __version__
from desktop_app.cli.support import data_root

#: command name -> "module:function"; each function takes (args, out) and returns an exit code
HANDLERS: dict[str, str] = {
    "init": "desktop_app.cli.commands:cmd_init",
    "demo": "desktop_app.cli.commands:cmd_demo",
    "backup": "desktop_app.cli.commands:cmd_backup",
    "restore": "desktop_app.cli.commands:cmd_restore",
    "selftest": "desktop_app.cli.selftest:cmd_selftest",
    "import-excel": "desktop_app.cli.excel:cmd_import_excel",
    "export-excel": "desktop_app.cli.excel:cmd_export_excel",
    "print": "desktop_app.cli.reports:cmd_print",
    "document": "desktop_app.cli.documents:cmd_document",
    "office-card": "desktop_app.cli.sync:cmd_office_card",
    "trust": "desktop_app.cli.sync:cmd_trust",
    "revoke": "desktop_app.cli.sync:cmd_revoke",
    "export-bundle": "desktop_app.cli.sync:cmd_export_bundle",
    "import-bundle": "desktop_app.cli.sync:cmd_import_bundle",
    "assign": "desktop_app.cli.ledger:cmd_assign",
    "holidays": "desktop_app.cli.calendar:cmd_holidays",
    "days": "desktop_app.cli.work:cmd_days",
    "users": "desktop_app.cli.accounts:cmd_users",
    "audit": "desktop_app.cli.accounts:cmd_audit",
    "migrate-db": "desktop_app.cli.migrate_db:cmd_migrate_db",
}


#: the campaign documents of ``document`` and ``print`` (desktop_app.documents.campaign_kinds)
CAMPAIGN_DOCS = ["monthly-report", "quarter-bulletin", "half-year-review", "award-notice", "topic-report", "year-summary"]
CAMPAIGN_DOCS_HELP = ("monthly-report 月度工作报告，quarter-bulletin 季度督查通报，half-year-review 半年复盘报告，"
                      "award-notice 评比表彰通报，topic-report 调研报告初稿（--id 课题），year-summary 年度汇总")
PERIOD_HELP = ("期间：YYYY-MM（月度）、YYYY-Qn（季度）、YYYY-H1/H2（半年、表彰）、YYYY（年度汇总）；计划清单另可用 YYYY-Wnn（周）；"
               "默认当前期间")

#: --office of the list commands (export-excel, print)
OFFICE_HELP = "市级单位：只导出/打印某县（区）的数据（单位代码），all 为全部单位；默认本单位"


#: argparse's own words (help headings, usage errors) in Chinese, like everything else the program says
ARGPARSE_ZH = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的取值：%(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "无效的%(type)s值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected at most one argument": "最多只能有一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 有歧义，可能是 %(matches)s",
    "one of the arguments %s is required": "必须给出以下参数之一：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
}


def _argparse_zh(message: str) -> str:
    return ARGPARSE_ZH.get(message, message)


# Long on purpose (about 145 lines): a flat table of declarations — one ``add_argument`` a line, no branch
# or loop — read top to bottom like the ``--help`` it prints, in that order; a function per command would
# scatter the grammar over some twenty helpers with no rule to name, and the handler modules (HANDLERS) hold
# what each command does.
def build_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar."""
    # argparse looks its words up through its module-level gettext alias at call time: answer in Chinese
    argparse._ = _argparse_zh  # type: ignore[attr-defined]
    p = argparse.ArgumentParser(prog="fielddesk", description="调研工作台 FieldDesk — 不带参数运行时启动图形界面")
    p.add_argument("--version", action="version", version=f"FieldDesk {__version__}")
    p.add_argument("--data-dir", help="数据目录（也可用环境变量 FIELDDESK_DATA_DIR）")
    p.add_argument("--user", help="登录名（本单位启用账户后必填；密码取自环境变量 FIELDDESK_PASSWORD，否则提示输入）")
    p.add_argument("--db-url", help="共享数据库服务器地址 postgresql://用户@服务器:端口/库名（也可用环境变量 FIELDDESK_DB_URL；"
                                    "密码用环境变量 FIELDDESK_DB_PASSWORD 或运行时输入，不会保存）")
    sub = p.add_subparsers(dest="command", metavar="命令")

    def cmd(name: str, help_text: str) -> argparse.ArgumentParser:
        c = sub.add_parser(name, help=help_text)
        c.add_argument("--json", action="store_true", help="以 JSON 输出结果")
        c.add_argument("--data-dir", dest="data_dir_sub", help=argparse.SUPPRESS)
        c.add_argument("--user", dest="user_sub", help=argparse.SUPPRESS)
        return c

    c = cmd("init", "初始化本单位")
    c.add_argument("--office-code", required=True, help="6位行政区划代码")
    c.add_argument("--office-name", required=True)
    c.add_argument("--level", choices=["county", "prefecture"], default="county")
    c.add_argument("--parent", help="上级单位区划代码")
    c.add_argument("--year", type=int, help="调研年度（默认今年）")
    c.add_argument("--section", action="append", default=[], help="科室名称，可重复")

    c = cmd("demo", "在空数据目录中生成演示单位")
    c.add_argument("--items", type=int, default=300, help="问题台账条目数（默认300）")
    c.add_argument("--seed", type=int, default=2026)
    c.add_argument("--prefecture", action="store_true",
                   help="生成州级单位（西双版纳州），含3个县通过同步数据包报送的演示数据；--items 为每县条目数")

    c = cmd("import-excel", "从 Excel 导入")
    c.add_argument("file")
    c.add_argument("--kind", required=True, choices=["ledger", "visits", "topics", "questions", "scores", "meetings", "plans", "outcomes"])
    c.add_argument("--dry-run", action="store_true", help="只预览，不写入")
    c.add_argument("--sheet", help="工作表名称（默认自动选择）")
    c.add_argument("--skip-errors", action="store_true", help="只导入无误的行，列出有错误的行（默认：有错误时全部不导入）")
    c.add_argument("--map", action="append", default=[], metavar="列名:原词=取值",
                   help="指定表格中无法识别的词的含义，如 --map 整改状态:待研究=推进中（可重复；下次自动沿用）")
    c.add_argument("--password-env", metavar="VAR", help="从环境变量 VAR 读取工作簿的打开密码")
    c.add_argument("--extra-out", metavar="OUT.xlsx", help="把没有对应字段可存放的其他列内容另存为“原表其他列”表（调研课题）")

    c = cmd("export-excel", "导出为 Excel")
    c.add_argument("out")
    c.add_argument("--kind", required=True, choices=["ledger", "visits", "topics", "scores", "days", "roundtrip",
                                                            "crowding", "meetings", "plans", "outcomes"])
    c.add_argument("--year", type=int)
    c.add_argument("--unit", help="责任单位（回执表用）")
    c.add_argument("--office", default="", help=OFFICE_HELP)
    c.add_argument("--paper", default="A4", choices=["A4", "A3"], help="打印设置的纸张（横向，默认 A4）")

    c = cmd("print", "打印为 PDF")
    c.add_argument("out")
    c.add_argument("--kind", required=True,
                   choices=["ledger", "responsibility", "supervision", "notice", "scores", "paper", "visits", "topics",
                            "summary", "crowding", "meetings", "outcomes", "plans", *CAMPAIGN_DOCS])
    c.add_argument("--year", type=int)
    c.add_argument("--period", help=PERIOD_HELP)
    c.add_argument("--id")
    c.add_argument("--office", default="", help=OFFICE_HELP)
    c.add_argument("--paper", default="A4", choices=["A4", "A3"], help="纸张（清单类，默认 A4；A3 横向可容纳更多列）")
    c.add_argument("--layout", default="compact", choices=["compact", "full"],
                   help="问题台账的版式：compact 紧凑版（默认，五号字，每页约8条以上），full 完整版（含整改措施和进展）")

    c = cmd("document", "生成 Word 文档（党政机关公文格式）")
    c.add_argument("out")
    c.add_argument("--kind", required=True, choices=["notice", "scores", "summary", "ledger", *CAMPAIGN_DOCS],
                   help="notice 督办通知单（--id 问题编号），scores 成绩公示（--id 考试），summary 年度汇总，ledger 问题清单；"
                        + CAMPAIGN_DOCS_HELP)
    c.add_argument("--period", help=PERIOD_HELP)
    c.add_argument("--id")
    c.add_argument("--year", type=int)
    c.add_argument("--office", default="", help=OFFICE_HELP)

    c = cmd("office-card", "导出本单位身份卡")
    c.add_argument("out")
    c = cmd("trust", "信任其他单位的身份卡")
    c.add_argument("card")
    c.add_argument("--fingerprint", help="电话核对过的指纹（不填则只显示指纹，不信任）")
    c = cmd("revoke", "吊销其他单位的密钥（此后拒绝其数据包）")
    c.add_argument("code", help="对方单位代码")
    c = cmd("export-bundle", "导出同步数据包")
    c.add_argument("out")
    c.add_argument("--to", required=True, help="接收单位代码")
    c.add_argument("--full", action="store_true")
    c.add_argument("--encrypt", action="store_true")
    c.add_argument("--only-own", action="store_true", help="只发送本单位自己的变更（不转发其他单位的）")
    c.add_argument("--origin", action="append", default=[], metavar="CODE",
                   help="只发送这些单位产生的变更（可重复；所需的其他单位会自动附带）")
    c = cmd("import-bundle", "导入同步数据包")
    c.add_argument("file", nargs="+")
    c.add_argument("--dry-run", action="store_true")

    c = cmd("assign", "市级单位：向县（区）交办一条问题，或用 --from-xlsx 从表格批量交办（随下次同步包送达）")
    c.add_argument("--county", help="责任县（区）的单位代码（交办一条时必填）")
    c.add_argument("--description", help="问题描述（交办一条时必填）")
    c.add_argument("--from-xlsx", metavar="FILE", help="从表格批量交办（.xlsx/.xls/.et，每行一条问题，含县（市、区）列）")
    c.add_argument("--sheet", help="与 --from-xlsx 同用：工作表名称（默认自动选择）")
    c.add_argument("--dry-run", action="store_true", help="与 --from-xlsx 同用：只预览，不交办")
    c.add_argument("--category", default="", help="问题类别")
    c.add_argument("--measures", default="", help="整改要求")
    c.add_argument("--kind", default="dated", choices=["immediate", "dated", "ongoing"], help="整改类型（默认限期整改）")
    c.add_argument("--deadline", help="完成时限（YYYY-MM-DD）")
    c.add_argument("--workdays", type=int, help="完成时限：交办后 N 个工作日（按法定节假日计算）")
    c.add_argument("--assigned-date", help="交办日期（默认今天）")
    c.add_argument("--year", type=int, help="年度（默认当前调研年度）")

    c = cmd("days", "基层调研天数：每人已计入、计划中、不计入（及原因）的天数与应达进度")
    c.add_argument("--year", type=int, required=True, help="年度")
    c.add_argument("--as-of", help="截至日期（YYYY-MM-DD，默认今天）")

    c = sub.add_parser("holidays", help="节假日表：导入国务院办公厅放假安排通知")
    hsub = c.add_subparsers(dest="holidays_command", metavar="操作", required=True)
    h = hsub.add_parser("import-notice", help="读取放假安排通知全文（.txt），预览并保存为本单位节假日表")
    h.add_argument("file", help="通知全文的文本文件（UTF-8 或 GBK）")
    h.add_argument("--year", type=int, help="通知所属年份（通知正文未写年份时必填）")
    h.add_argument("--dry-run", action="store_true", help="只读取和预览，不保存")
    h.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    h.add_argument("--data-dir", dest="data_dir_sub", help=argparse.SUPPRESS)

    c = cmd("backup", "备份数据库")
    c.add_argument("out", nargs="?")
    c = cmd("restore", "从备份恢复数据库")
    c.add_argument("file")
    cmd("selftest", "自检：字体、数据库、Qt 插件、审计日志")

    c = cmd("users", "账户管理：列出、添加、设置角色、停用/启用、重置密码、解锁、修改本人密码、凭恢复码重置管理员密码")
    c.add_argument("action", choices=["list", "add", "set-roles", "disable", "enable", "reset-password", "unlock",
                                      "passwd", "recover"])
    c.add_argument("login", nargs="?", help="登录名（list、passwd 不需要）")
    c.add_argument("--roles", action="append", default=[],
                   help="角色，逗号分隔：系统管理员(admin) 录入员(clerk) 审核人(approver) 查看(viewer) 审计员(auditor)")
    c.add_argument("--person", help="对应的本单位人员（姓名）")
    c.add_argument("--sections", action="append", default=None,
                   help="审核人负责审核的科室，逗号分隔（add、set-roles 用）；“全部”为全部科室（默认）")
    c.add_argument("--name", help="显示名称（不对应人员时）")
    c = cmd("audit", "审计日志：verify 校验哈希链，指出第一条被改动、删除或调换的记录")
    c.add_argument("action", choices=["verify"])
    c = cmd("migrate-db", "把本单位数据复制到另一个空数据库（单机文件 ⇄ PostgreSQL 服务器），逐表核对行数与摘要，原库不改动")
    c.add_argument("--to", required=True, metavar="URL",
                   help="目标：postgresql://用户@服务器:端口/库名（密码用 FIELDDESK_DB_PASSWORD 或运行时输入），或新的 .db 文件路径")
    return p


def resolve_handler(name: str) -> Callable[[argparse.Namespace], int]:
    """The function for a command.

    Every entry of HANDLERS names a module that ships: one that cannot be imported (a frozen
    build that left it out, a damaged install) is a real error and propagates as ImportError,
    never reported as a feature that "has not landed yet".
    """
    module, func = HANDLERS[name].split(":")
    handler: Callable[[argparse.Namespace], int] = getattr(importlib.import_module(module), func)
    return handler


def broken_install_message(exc: ImportError) -> str:
    """The Chinese words for a module of the program that cannot be loaded, with the real error."""
    missing = exc.name or "?"
    return (f"程序文件不完整：无法加载模块 {missing}（{type(exc).__name__}: {exc}）；"
            "这是安装包的问题而不是数据的问题，请重新安装调研工作台，并把这段信息告诉技术人员")


def unknown_command(argv: list[str]) -> str | None:
    """The first word of ``argv`` that stands where a command should and is none (None when all is well).

    Global options and their values are skipped; ``-h``/``--version`` and friends are argparse's.
    """
    rest = list(argv)
    while rest:
        a = rest.pop(0)
        if a in ("--data-dir", "--user", "--db-url"):
            if rest:
                rest.pop(0)
            continue
        if a.startswith("-"):
            continue
        return None if a in HANDLERS else a
    return None


def _refuse_unknown(word: str, parser: argparse.ArgumentParser) -> int:
    import difflib

    parser.print_usage(sys.stderr)
    close = difflib.get_close_matches(word, list(HANDLERS), n=1)
    hint = f"，您是不是要用“{close[0]}”？" if close else "。"
    print(f"未知命令：“{word}”{hint}运行 fielddesk --help 查看全部命令；不带命令运行时启动图形界面。",
          file=sys.stderr)
    return 2


def run(argv: list[str]) -> int:
    """Run one command; returns the exit code."""
    parser = build_parser()
    word = unknown_command(argv)
    if word is not None:
        return _refuse_unknown(word, parser)
    if not any(not a.startswith("-") for a in argv) and not any(a in ("-h", "--help", "--version") for a in argv):
        parser.print_usage(sys.stderr)
        print("缺少命令：运行 fielddesk --help 查看全部命令；不带参数运行时启动图形界面。", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    if getattr(args, "data_dir_sub", None):
        args.data_dir = args.data_dir_sub
    if getattr(args, "user_sub", None):
        args.user = args.user_sub
    if args.command is None:
        parser.print_help()
        return 2
    try:
        handler = resolve_handler(args.command)
    except ImportError as missing:
        print(f"错误：{broken_install_message(missing)}", file=sys.stderr)
        return 70  # EX_SOFTWARE: the program, not the input, is at fault
    db_url = getattr(args, "db_url", None) or os.environ.get("FIELDDESK_DB_URL")
    if db_url:
        from desktop_app.core import server_db

        server_db.select(db_url, data_root(args), server_db.terminal_password)
    elif "desktop_app.core.server_db" in sys.modules:  # an earlier run() in this process chose one
        sys.modules["desktop_app.core.server_db"].select(None)
    from desktop_app.cli import accounts as account_commands
    from desktop_app.core import datalock
    from desktop_app.core.context import SIGNED_IN
    from desktop_app.core.db_errors import known_error

    datalock.set_purpose(f"fielddesk {args.command}")
    datalock.set_waiting_notice(lambda text: print(text, file=sys.stderr, flush=True))
    token = None
    try:
        # once this office has accounts, nothing runs before its person has signed in (and holds the right)
        actor = account_commands.sign_in_for_command(args)
        token = SIGNED_IN.set(actor)
        code = handler(args)
        if code == 0:
            account_commands.record_read(args, actor)
        return code
    except ImportError as missing:  # a module the command loads lazily is missing from this install
        print(f"错误：{broken_install_message(missing)}", file=sys.stderr)
        return 70
    except Exception as raised:  # known failures of the machine (disk full, read-only …) are no bugs
        server = sys.modules.get("desktop_app.core.server_db")  # loaded only when a server is in use
        exc = (server.lost_connection(raised) if server is not None else None) or known_error(raised)
        if exc is None:
            raise
        print(f"错误：{exc}", file=sys.stderr)
        if getattr(args, "json", False):
            print(json.dumps({"error": exc.message, "action": exc.action}, ensure_ascii=False))
        return exc.exit_code
    except KeyboardInterrupt:
        print("已取消", file=sys.stderr)
        return 130
    finally:
        if token is not None:
            SIGNED_IN.reset(token)
