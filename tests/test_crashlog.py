import logging

from desktop import crashlog
from tests.conftest import make_id


def test_reports_and_logs_never_hold_ids_or_phones(tmp_path, monkeypatch):
    monkeypatch.setenv("BAODAO_HOME", str(tmp_path))
    number, phone = make_id("19800101", seq=123), "13912345678"
    log = crashlog.setup_logging()
    try:
        logging.getLogger("baodao.test").warning("导入失败：%s %s", number, phone)
        try:
            raise ValueError(f"身份证号 {number} 手机 {phone} 无效")
        except ValueError as error:
            report = crashlog.write_report(type(error), error, error.__traceback__)
    finally:
        for handler in list(logging.getLogger().handlers):
            if isinstance(handler, logging.FileHandler):
                logging.getLogger().removeHandler(handler)
                handler.close()
    for path in (log, report):
        text = path.read_text(encoding="utf-8")
        assert number not in text and phone not in text
        assert number[:6] + "********" + number[-4:] in text
        assert "139****5678" in text
