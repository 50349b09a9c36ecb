"""首次使用设置向导 — first-start wizard: office, sections, people, campaign year, the administrator account.

Nothing is written until 完成: then one call to ``initialise_office`` records it
all in one transaction, and the first account (系统管理员, tied to a person) is made;
its one-time recovery code is shown once. The account's fields are checked before
anything is written. A validation error is shown on the page it belongs to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from desktop_app.core.context import AppContext
from desktop_app.core.errors import FieldDeskError, ValidationError
from desktop_app.org import organisation
from desktop_app.org.organisation import (
    DEFAULT_LEADER_QUOTA,
    DEFAULT_STAFF_QUOTA,
    OfficeInfo,
    PersonInput,
    SetupInput,
    initialise_office,
)
from ui import dialogs
from ui.main_window import icon


class _ReturnAdds(QObject):
    """Return in a list's entry field adds the entry — it must not press the wizard's 下一步."""

    def __init__(self, parent: QObject, add: Callable[[], None]) -> None:
        super().__init__(parent)
        self._add = add

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and \
                event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._add()
            return True
        return False


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("ErrorText")
    label.setWordWrap(True)
    label.hide()
    return label


class _Page(QWizardPage):
    """A page with an inline error line under its fields."""

    def __init__(self, title: str, subtitle: str) -> None:
        super().__init__()
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.error = _error_label()

    def show_error(self, exc: FieldDeskError | str) -> None:
        """Show a Chinese message (and what to do) on this page."""
        self.error.setText(dialogs.error_text(exc) if isinstance(exc, FieldDeskError) else exc)
        self.error.show()

    def clear_error(self) -> None:
        """Hide the error line."""
        self.error.hide()
        self.error.clear()

    def _lay_out_with_summary(self, form: QFormLayout) -> QLabel:
        """The fields, the error line and a hint saying what will be saved; returns the hint."""
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        summary = QLabel()
        summary.setObjectName("Hint")
        summary.setWordWrap(True)
        lay.addWidget(summary)
        lay.addStretch(1)
        return summary


class OfficePage(_Page):
    """本单位."""

    def __init__(self) -> None:
        super().__init__(self.tr("本单位信息"), self.tr("填写本单位的行政区划代码和全称。单位代码是数据交换时识别本单位的依据，设置后不能修改。"))
        form = QFormLayout()
        self.code = QLineEdit()
        self.code.setPlaceholderText(self.tr("6位行政区划代码，例如 532801"))
        self.code.setMaxLength(6)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("单位全称，例如 景洪市乡村振兴局"))
        self.level = QComboBox()
        self.level.setMaximumWidth(160)
        self.level.addItem(self.tr("县级"), "county")
        self.level.addItem(self.tr("市级"), "prefecture")
        self.parent_code = QLineEdit()
        self.parent_code.setMaxLength(6)
        self.parent_code.setPlaceholderText(self.tr("上级单位的区划代码（可不填），例如 532800"))
        form.addRow(self.tr("单位代码"), self.code)
        form.addRow(self.tr("单位名称"), self.name)
        form.addRow(self.tr("单位级别"), self.level)
        form.addRow(self.tr("上级单位代码"), self.parent_code)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addStretch(1)

    def values(self) -> tuple[str, str, str, str | None]:
        """(code, name, level, parent code or None)."""
        return (self.code.text().strip(), self.name.text().strip(), str(self.level.currentData()),
                self.parent_code.text().strip() or None)

    def validatePage(self) -> bool:
        try:
            organisation.validate_office(*self.values())
        except ValidationError as exc:
            self.show_error(exc)
            target = {"name": self.name, "parent_code": self.parent_code}.get(exc.field or "", self.code)
            target.setFocus()
            return False
        self.clear_error()
        return True


class SectionsPage(_Page):
    """科室."""

    def __init__(self) -> None:
        super().__init__(self.tr("科室"), self.tr("添加本单位的内设科室（股室）。以后可以在“设置”中增加、改名或撤销。"))
        row = QHBoxLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("科室名称，例如 综合科"))
        self.name.installEventFilter(_ReturnAdds(self, self.add_current))
        # the refusal was about what was typed: once the clerk retypes it, it no longer applies
        self.name.textChanged.connect(self.clear_error)
        self.add_btn = QPushButton(self.tr("添加"))
        self.add_btn.clicked.connect(self.add_current)
        row.addWidget(self.name, 1)
        row.addWidget(self.add_btn)
        self.list = QListWidget()
        self.remove_btn = QPushButton(self.tr("删除所选科室"))
        self.remove_btn.clicked.connect(self.remove_selected)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addWidget(self.list, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.remove_btn)
        lay.addLayout(bottom)

    def sections(self) -> list[str]:
        """Section names in order."""
        return [self.list.item(i).text() for i in range(self.list.count())]

    def add(self, name: str) -> bool:
        """Add a section; an empty or duplicate name is refused with a message on the page."""
        name = name.strip()
        if not name:
            self.show_error(self.tr("科室名称不能为空；请填写科室名称"))
            return False
        if name in self.sections():
            self.show_error(self.tr("科室“%1”已添加过；每个科室只需添加一次").replace("%1", name))
            return False
        self.clear_error()
        self.list.addItem(name)
        self.completeChanged.emit()
        return True

    def add_current(self) -> None:
        """Add what is typed in the name box."""
        if self.add(self.name.text()):
            self.name.clear()
        self.name.setFocus()

    def remove_selected(self) -> None:
        """Remove the selected section (people already placed in it are removed too, after asking)."""
        item = self.list.currentItem()
        if item is None:
            return
        wizard = self.wizard()
        people = wizard.people_page.people_in(item.text()) if isinstance(wizard, SetupWizard) else 0
        if people and not dialogs.confirm(self, self.tr("科室“%1”下已添加 %2 名人员，删除科室会同时删除这些人员。继续？")
                                          .replace("%1", item.text()).replace("%2", str(people)), danger=True):
            return
        if isinstance(wizard, SetupWizard):
            wizard.people_page.remove_section(item.text())
        self.list.takeItem(self.list.row(item))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.list.count() > 0

    def validatePage(self) -> bool:
        if self.name.text().strip() and self.name.text().strip() not in self.sections():
            # typed but not added: add it rather than silently losing it
            if not self.add(self.name.text()):
                return False
            self.name.clear()
        return True


_COLS = ("姓名", "科室", "职务", "身份", "年度基层调研天数")


class PeoplePage(_Page):
    """人员."""

    def __init__(self) -> None:
        super().__init__(self.tr("人员"), self.tr("添加参加大调研的人员。领导默认每年到基层 %1 天，工作人员 %2 天；个别人员可单独设定。")
                         .replace("%1", str(DEFAULT_LEADER_QUOTA)).replace("%2", str(DEFAULT_STAFF_QUOTA)))
        self.people: list[PersonInput] = []
        form = QFormLayout()
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("姓名"))
        self.name.installEventFilter(_ReturnAdds(self, self.add_current))
        self.name.textChanged.connect(self.clear_error)
        self.section = QComboBox()
        self.post = QLineEdit()
        self.post.setPlaceholderText(self.tr("例如 局长、科长、科员"))
        self.leader = QCheckBox(self.tr("领导（班子成员）"))
        self.quota = QSpinBox()
        self.quota.setRange(0, 366)
        self.quota.setSuffix(self.tr(" 天"))
        self.quota.setValue(DEFAULT_STAFF_QUOTA)
        self.quota.setMaximumWidth(160)
        self.leader.toggled.connect(self._leader_toggled)
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("科室"), self.section)
        form.addRow(self.tr("职务"), self.post)
        form.addRow(self.tr("身份"), self.leader)
        form.addRow(self.tr("年度基层调研天数"), self.quota)
        self.add_btn = QPushButton(self.tr("添加人员"))
        self.add_btn.clicked.connect(self.add_current)
        self.table = QTableWidget(0, len(_COLS))
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in _COLS])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.remove_btn = QPushButton(self.tr("删除所选人员"))
        self.remove_btn.clicked.connect(self.remove_selected)
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addLayout(form, 1)
        side = QVBoxLayout()
        side.addStretch(1)
        side.addWidget(self.add_btn)
        top.addLayout(side)
        lay.addLayout(top)
        lay.addWidget(self.error)
        lay.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        hint = QLabel(self.tr("可以先不添加人员，以后在“设置”中补充。"))
        hint.setObjectName("Hint")
        bottom.addWidget(hint)
        bottom.addStretch(1)
        bottom.addWidget(self.remove_btn)
        lay.addLayout(bottom)

    def initializePage(self) -> None:
        wizard = self.wizard()
        if isinstance(wizard, SetupWizard):
            current = self.section.currentText()
            self.section.clear()
            self.section.addItems(wizard.sections_page.sections())
            if current:
                self.section.setCurrentText(current)

    def cleanupPage(self) -> None:
        """Going back keeps what was entered (QWizard would reset fields)."""

    def _leader_toggled(self, leader: bool) -> None:
        # follow the role's default unless the clerk typed a personal quota
        if self.quota.value() in (DEFAULT_LEADER_QUOTA, DEFAULT_STAFF_QUOTA):
            self.quota.setValue(DEFAULT_LEADER_QUOTA if leader else DEFAULT_STAFF_QUOTA)

    def add(self, person: PersonInput) -> bool:
        """Add a person (shown in the table); a missing name or section is refused on the page."""
        if not person.name.strip():
            self.show_error(self.tr("人员姓名不能为空；请填写姓名"))
            return False
        if not person.section:
            self.show_error(self.tr("请选择人员所在科室；如果列表为空，请返回上一步添加科室"))
            return False
        if any(p.name == person.name.strip() and p.section == person.section for p in self.people):
            self.show_error(self.tr("%1科室已有“%2”；同一科室不要重复添加同一人").replace("%1", person.section)
                            .replace("%2", person.name.strip()))
            return False
        self.clear_error()
        person.name = person.name.strip()
        self.people.append(person)
        self._append_row(person)
        return True

    def _append_row(self, p: PersonInput) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        default = DEFAULT_LEADER_QUOTA if p.is_leader else DEFAULT_STAFF_QUOTA
        quota = p.quota_days if p.quota_days is not None else default
        for c, text in enumerate((p.name, p.section, p.post, self.tr("领导") if p.is_leader else self.tr("工作人员"),
                                  f"{quota}")):
            self.table.setItem(r, c, QTableWidgetItem(text))

    def add_current(self) -> None:
        """Add the person in the form, then clear the form for the next one."""
        leader = self.leader.isChecked()
        default = DEFAULT_LEADER_QUOTA if leader else DEFAULT_STAFF_QUOTA
        quota = self.quota.value()
        person = PersonInput(self.name.text(), self.section.currentText(), self.post.text().strip(), leader,
                             None if quota == default else quota)  # None: follow the campaign's default
        if self.add(person):
            self.name.clear()
            self.post.clear()
            self.name.setFocus()

    def remove_selected(self) -> None:
        """Remove the selected person."""
        r = self.table.currentRow()
        if r >= 0:
            self.table.removeRow(r)
            del self.people[r]

    def people_in(self, section: str) -> int:
        """How many entered people are in ``section``."""
        return sum(1 for p in self.people if p.section == section)

    def remove_section(self, section: str) -> None:
        """Drop the people of a removed section."""
        self.people = [p for p in self.people if p.section != section]
        self.table.setRowCount(0)
        for p in self.people:
            self._append_row(p)

    def validatePage(self) -> bool:
        if self.name.text().strip():  # typed but not added
            self.add_current()
            return not self.error.isVisible()
        return True


class CampaignPage(_Page):
    """年度与定额."""

    def __init__(self) -> None:
        super().__init__(self.tr("调研年度"), self.tr("选择当前开展大调研的年度和基层调研天数定额。"))
        form = QFormLayout()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(dt.date.today().year)
        self.year.setSuffix(self.tr(" 年"))
        self.leader_quota = QSpinBox()
        self.leader_quota.setRange(0, 366)
        self.leader_quota.setValue(DEFAULT_LEADER_QUOTA)
        self.leader_quota.setSuffix(self.tr(" 天"))
        self.staff_quota = QSpinBox()
        self.staff_quota.setRange(0, 366)
        self.staff_quota.setValue(DEFAULT_STAFF_QUOTA)
        self.staff_quota.setSuffix(self.tr(" 天"))
        form.addRow(self.tr("调研年度"), self.year)
        form.addRow(self.tr("领导年度基层调研天数"), self.leader_quota)
        form.addRow(self.tr("工作人员年度基层调研天数"), self.staff_quota)
        for spin in (self.year, self.leader_quota, self.staff_quota):
            spin.setMaximumWidth(160)
        self.summary = self._lay_out_with_summary(form)

    def initializePage(self) -> None:
        wizard = self.wizard()
        if isinstance(wizard, SetupWizard):
            code, name, _level, _parent = wizard.office_page.values()
            self.summary.setText(self.tr("将保存：%1（%2），%3 个科室，%4 名人员。")
                                 .replace("%1", name).replace("%2", code)
                                 .replace("%3", str(len(wizard.sections_page.sections())))
                                 .replace("%4", str(len(wizard.people_page.people))))



class AccountPage(_Page):
    """系统管理员账户 — the first account, and 本机仅一人使用."""

    def __init__(self) -> None:
        super().__init__(self.tr("系统管理员账户"), self.tr("设置第一个账户：系统管理员，负责账户、设置和密钥。"
                                                         "以后在“设置 › 账户”中为其他人员添加账户。完成后将保存全部设置。"))
        form = QFormLayout()
        self.login = QLineEdit("admin")
        self.person = QComboBox()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("至少8位，含字母和数字"))
        self.password2 = QLineEdit()
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        self.also_clerk = QCheckBox(self.tr("同时担任录入员（登记问题、进展、调研安排等）"))
        self.also_clerk.setChecked(True)
        self.single = QCheckBox(self.tr("本机仅一人使用：只有这一个账户，拥有全部角色，启动时自动登录"))
        self.single.setToolTip(self.tr("只在确实只有一人使用本机时勾选；以后添加其他账户后，自动登录即停止"))
        form.addRow(self.tr("登录名"), self.login)
        form.addRow(self.tr("对应人员"), self.person)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("再输入一次"), self.password2)
        form.addRow("", self.also_clerk)
        form.addRow("", self.single)
        for w in (self.login, self.password, self.password2):
            w.textChanged.connect(self.clear_error)
        self.summary = self._lay_out_with_summary(form)

    def initializePage(self) -> None:
        wizard = self.wizard()
        if isinstance(wizard, SetupWizard):
            current = self.person.currentText()
            self.person.clear()
            self.person.addItem(self.tr("（不对应人员）"), None)
            for p in wizard.people_page.people:
                self.person.addItem(f"{p.name}（{p.section}）", p.name)
            if current:
                self.person.setCurrentText(current)
            elif len(wizard.people_page.people) > 0:
                self.person.setCurrentIndex(1)
            code, name, _level, _parent = wizard.office_page.values()
            self.summary.setText(self.tr("将保存：%1（%2），%3 个科室，%4 名人员，以及系统管理员账户。")
                                 .replace("%1", name).replace("%2", code)
                                 .replace("%3", str(len(wizard.sections_page.sections())))
                                 .replace("%4", str(len(wizard.people_page.people))))

    def cleanupPage(self) -> None:
        """Going back keeps what was entered."""

    def check(self) -> bool:
        """The account's fields, checked before anything is written."""
        from desktop_app.org import accounts

        if self.password.text() != self.password2.text():
            self.show_error(self.tr("两次输入的密码不一致；请重新输入"))
            return False
        try:
            accounts.check_login(self.login.text())
            accounts.check_password_rules(self.password.text())
        except ValidationError as exc:
            self.show_error(exc)
            return False
        return True

    def validatePage(self) -> bool:
        wizard = self.wizard()
        return wizard.save() if isinstance(wizard, SetupWizard) else True


class SetupWizard(QWizard):
    """首次使用设置向导. ``office`` holds the result after ``exec()`` returned accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.office: OfficeInfo | None = None
        self.setWindowTitle(self.tr("调研工作台 — 首次使用设置"))
        self.setWindowIcon(icon("fielddesk"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setPixmap(QWizard.WizardPixmap.LogoPixmap, icon("fielddesk").pixmap(48, 48))
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.resize(760, 560)
        self.office_page = OfficePage()
        self.sections_page = SectionsPage()
        self.people_page = PeoplePage()
        self.campaign_page = CampaignPage()
        self.account_page = AccountPage()
        self.recovery_code = ""
        for page in (self.office_page, self.sections_page, self.people_page, self.campaign_page, self.account_page):
            self.addPage(page)
        self.setTabOrder(self.office_page.code, self.office_page.name)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)

    def reject(self) -> None:
        """取消, Esc or closing the window: ask first once sections were entered (the program closes after)."""
        entered = self.sections_page.sections() or self.people_page.people
        if entered and not dialogs.confirm(
                self, self.tr("放弃已填写的单位、科室和人员，退出首次使用设置？\n\n这些内容不会保存，下次打开程序时需要重新填写。"),
                title=self.tr("退出设置"), ok=self.tr("放弃并退出"), danger=True):
            return
        super().reject()

    def setup_input(self) -> SetupInput:
        """What the clerk entered."""
        code, name, level, parent = self.office_page.values()
        return SetupInput(code=code, name=name, level=level, parent_code=parent,
                          sections=self.sections_page.sections(), people=list(self.people_page.people),
                          year=self.campaign_page.year.value(), leader_quota=self.campaign_page.leader_quota.value(),
                          staff_quota=self.campaign_page.staff_quota.value())

    def save(self) -> bool:
        """Record everything in one transaction; on a validation error show it on the page it belongs to.

        Then the administrator account is made and signed in, and its recovery code shown once.
        """
        if not self.account_page.check():
            return False
        try:
            self.office = initialise_office(self.ctx, self.setup_input())
        except ValidationError as exc:
            page = self._page_for(exc)
            while self.currentPage() is not page and self.currentId() > 0:
                self.back()
            page.show_error(exc)
            return False
        except Exception as exc:  # disk, database: nothing was written (one transaction); tell the clerk
            dialogs.show_error(self, exc)
            return False
        return self._make_admin()

    def _make_admin(self) -> bool:
        from desktop_app.org import accounts

        page = self.account_page
        try:
            _info, self.recovery_code = accounts.first_admin(
                self.ctx.db, self.ctx.actor, page.login.text().strip(), page.password.text(),
                page.person.currentData(), single_user=page.single.isChecked(), also_clerk=page.also_clerk.isChecked(),
                keys_dir=self.ctx.data.keys)
            self.ctx.actor = accounts.sign_in(self.ctx.db, page.login.text().strip(), page.password.text()).actor
        except Exception as exc:  # the office is saved; the account can be made at the next start
            dialogs.show_error(self, exc)
            return True
        dialogs.info(self, self.tr("恢复码（只显示这一次，请抄写或打印后妥善保管）：\n\n%1\n\n"
                                   "忘记系统管理员密码或监考密码时，凭此码重置。").replace("%1", self.recovery_code),
                     self.tr("恢复码"))
        return True

    def _page_for(self, exc: ValidationError) -> _Page:
        try:
            organisation.validate_office(*self.office_page.values())
        except ValidationError:
            return self.office_page
        if exc.field == "sections":
            return self.sections_page
        if exc.field in ("people", "name", "section", "quota_days"):  # person fields ("name" is a person's here)
            return self.people_page
        return self.campaign_page
