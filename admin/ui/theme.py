"""The admin app's look: one calm desktop style sheet (sizes for a mouse and keyboard, not a kiosk's touch)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

ACCENT = "#3b5bdb"

STYLE = f"""
QWidget {{ font-size: 14px; color: #1f2430; }}
QMainWindow, #signInPage, #shell {{ background: #f3f4f7; }}
#card {{ background: #ffffff; border: 1px solid #dde0e7; border-radius: 12px; }}
#appTitle {{ font-size: 26px; font-weight: 700; }}
#subtitle, #where, #hint {{ color: #5c6370; }}
#where {{ font-size: 12px; }}
QLineEdit {{ padding: 8px 10px; border: 1px solid #c5cad5; border-radius: 6px; background: #ffffff; }}
QLineEdit:focus {{ border: 1px solid {ACCENT}; }}
QPushButton {{ padding: 8px 16px; border: 1px solid #c5cad5; border-radius: 6px; background: #ffffff; }}
QPushButton:hover {{ background: #eef0f5; }}
QPushButton:disabled {{ color: #9aa0ab; background: #f3f4f7; }}
QPushButton#signIn {{ background: {ACCENT}; color: #ffffff; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton#signIn:hover {{ background: #324fc4; }}
QPushButton#signIn:disabled {{ background: #9fb0ea; border-color: #9fb0ea; }}
#error {{ color: #a61b1b; background: #fdecec; border: 1px solid #f3c2c2; border-radius: 6px; padding: 8px 10px; }}
#status {{ color: #2f4a9e; background: #edf1fd; border: 1px solid #c9d4f7; border-radius: 6px;
           padding: 8px 10px; }}
#orLine {{ color: #8a909c; }}
#topBar {{ background: #ffffff; border-bottom: 1px solid #dde0e7; }}
#topTitle {{ font-size: 18px; font-weight: 700; }}
#who {{ color: #5c6370; }}
QListWidget#nav {{ background: #ffffff; border: none; border-right: 1px solid #dde0e7; padding: 8px 0;
                   outline: 0; }}
QListWidget#nav::item {{ padding: 10px 18px 10px 15px; border: none; border-left: 3px solid transparent; }}
QListWidget#nav::item:hover:!selected {{ background: #f3f4f7; }}
QListWidget#nav::item:selected {{ background: #e7ecfc; color: {ACCENT}; font-weight: 600;
                                  border-left: 3px solid {ACCENT}; }}
#pageTitle {{ font-size: 22px; font-weight: 700; }}
#pageSummary {{ color: #5c6370; }}
#comesLater {{ color: #5c6370; background: #ffffff; border: 1px solid #dde0e7; border-radius: 8px;
               padding: 16px; }}
#orRule {{ color: #dde0e7; }}
QGroupBox {{ background: #ffffff; border: 1px solid #dde0e7; border-radius: 8px; margin-top: 14px;
             padding: 18px 12px 10px 12px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; color: #343a40; }}
QGroupBox QLabel {{ font-weight: 400; }}
QTableWidget {{ background: #ffffff; border: 1px solid #dde0e7; border-radius: 6px; gridline-color: #eceef3;
                alternate-background-color: #f8f9fb; selection-background-color: #e7ecfc;
                selection-color: #1f2430; }}
QHeaderView::section {{ background: #f3f4f7; border: none; border-bottom: 1px solid #dde0e7;
                        border-right: 1px solid #eceef3; padding: 6px 8px; font-weight: 600; }}
QTableWidget::item {{ padding: 0 8px; }}
#fingerprint {{ font-family: monospace; font-size: 20px; font-weight: 600; letter-spacing: 1px; color: #1f2430;
                background: #f3f4f7; border: 1px solid #dde0e7; border-radius: 6px; padding: 8px 10px; }}
#sectionTitle {{ font-weight: 700; color: #343a40; }}
QSpinBox, QDoubleSpinBox, QComboBox {{ min-height: 26px; }}
QListWidget#venueList, QListWidget#planList, QListWidget#fileProblems {{ background: #ffffff;
    border: 1px solid #dde0e7; border-radius: 6px; outline: 0; }}
QListWidget#venueList::item, QListWidget#planList::item {{ padding: 5px 8px; }}
QListWidget#venueList::item:selected, QListWidget#planList::item:selected {{ background: #e7ecfc;
    color: {ACCENT}; font-weight: 600; }}
QListWidget#fileProblems {{ color: #a61b1b; }}
QTabWidget::pane {{ border: 1px solid #dde0e7; border-radius: 6px; background: #ffffff; top: -1px; }}
QTabBar::tab {{ padding: 7px 14px; border: 1px solid #dde0e7; border-bottom: none; background: #f3f4f7;
                border-top-left-radius: 6px; border-top-right-radius: 6px; margin-right: 2px; }}
QTabBar::tab:selected {{ background: #ffffff; font-weight: 600; }}
QPushButton#primary {{ background: {ACCENT}; color: #ffffff; border: 1px solid {ACCENT}; font-weight: 600; }}
QPushButton#primary:hover {{ background: #324fc4; }}
QPushButton#primary:disabled {{ background: #9fb0ea; border-color: #9fb0ea; }}
#sideScroll, #sidePanel {{ background: transparent; }}
QSplitter::handle:horizontal {{ margin: 40px 4px; border-radius: 2px; }}
QSplitter::handle:horizontal:hover {{ background: #c5cad5; }}
QPushButton#danger {{ background: #c92a2a; color: #ffffff; border: 1px solid #c92a2a; font-weight: 600; }}
QPushButton#danger:hover {{ background: #b02525; }}
QPushButton#danger:disabled {{ background: #e8a3a3; border-color: #e8a3a3; }}
QDateTimeEdit {{ min-height: 26px; }}
#planPreview {{ border: 1px solid #dde0e7; border-radius: 8px; }}
#figure {{ background: #ffffff; border: 1px solid #dde0e7; border-radius: 8px; }}
#figureNumber {{ font-size: 30px; font-weight: 700; color: #1f2430; }}
#figureCaption {{ color: #5c6370; }}
QChartView {{ background: transparent; border: none; }}
"""


def apply_theme(app: QApplication) -> None:
    app.setStyleSheet(STYLE)
