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


def test_reports_in_the_same_second_never_overwrite_each_other(tmp_path, monkeypatch):
    import datetime as dt
    import threading

    monkeypatch.setenv("BAODAO_HOME", str(tmp_path))
    monkeypatch.setattr(crashlog, "_now", lambda: dt.datetime(2026, 12, 1, 9, 30, 0))

    def report(number: int):
        try:
            raise RuntimeError(f"第{number}个错误")
        except RuntimeError as error:
            return crashlog.write_report(type(error), error, error.__traceback__)

    first, second = report(1), report(2)
    assert first != second
    assert first.name == "错误报告-20261201-093000.txt"
    assert second.name == "错误报告-20261201-093000-2.txt"
    found: list = []
    threads = [threading.Thread(target=lambda n=n: found.append(report(n))) for n in range(3, 11)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paths = [first, second, *found]
    assert len(set(paths)) == 10 == len(list(crashlog.log_folder().glob("错误报告-*.txt")))
    texts = {path.read_text(encoding="utf-8").strip().splitlines()[-1] for path in paths}
    assert texts == {f"RuntimeError: 第{n}个错误" for n in range(1, 11)}
