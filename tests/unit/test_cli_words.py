"""The command line speaks Chinese in argparse's own words too (help headings, usage errors)."""

from __future__ import annotations

import pytest

from desktop_app.cli.main import build_parser


def test_help_headings_are_chinese() -> None:
    text = build_parser().format_help()
    assert text.startswith("用法：fielddesk") and "选项" in text and "显示本帮助并退出" in text
    assert "options" not in text and "positional arguments" not in text and "show this help" not in text


def test_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_parser().parse_args(["print", "--kind", "nope", "out.pdf"])
    err = capsys.readouterr().err
    assert "错误" in err and "无效的取值" in err and "error" not in err and "invalid choice" not in err
    with pytest.raises(SystemExit):
        build_parser().parse_args(["print"])
    assert "缺少必填参数" in capsys.readouterr().err
