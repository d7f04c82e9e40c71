"""What JinLotto says in Slack, in Korean and English (``SLACK_LANGUAGE``)."""

from typing import Literal

Language = Literal["ko", "en"]
MessageKind = Literal[
    "server_started",
    "server_stopped",
    "unhandled_error",
    "model_fallback",
    "source_failure",
    "conflict",
    "weekly_draw",
    "weekly_recommendations",
    "weekly_tickets",
    "weekly_retention",
    "weekly_retraining",
    "weekly_no_retraining",
    "weekly_given_up",
    "model_activated",
    "model_kept",
    "retrain_failed",
    "feedback",
]

TEXTS: dict[MessageKind, dict[Language, str]] = {
    "server_started": {
        "en": "JinLotto {version} started on {host} (pid {pid}): {draws} draws stored.",
        "ko": "JinLotto {version} 시작: {host} (pid {pid}), 저장된 추첨 {draws}회.",
    },
    "server_stopped": {
        "en": "JinLotto stopped on {host} (pid {pid}).",
        "ko": "JinLotto 종료: {host} (pid {pid}).",
    },
    "unhandled_error": {
        "en": "JinLotto error on {method} {path}: {error} (at {where}). Further errors of this "
        "cause are not reported for 10 minutes.",
        "ko": "JinLotto 오류: {method} {path}: {error} ({where}). 같은 원인의 오류는 10분 동안 "
        "다시 알리지 않습니다.",
    },
    "model_fallback": {
        "en": "JinLotto: model {model} is unusable ({problem}); answering with the statistical "
        "strategy until a usable model is active.",
        "ko": "JinLotto: 모델 {model}을(를) 쓸 수 없습니다 ({problem}). 쓸 수 있는 모델이 활성화될 "
        "때까지 통계 전략으로 답합니다.",
    },
    "source_failure": {
        "en": "JinLotto weekly job: the data source failed: {problem}",
        "ko": "JinLotto 주간 작업: 데이터 출처 오류: {problem}",
    },
    "conflict": {
        "en": "JinLotto: the source reports draw {draw_no} differently ({fields}): stored "
        "{stored}, source {reported}. The stored draw was kept.",
        "ko": "JinLotto: 출처가 제{draw_no}회를 다르게 알립니다 ({fields}): 저장된 값 {stored}, "
        "출처 {reported}. 저장된 추첨을 유지했습니다.",
    },
    "weekly_draw": {
        "en": "JinLotto weekly: draw {draw_no} ({date}) is {numbers} + {bonus}; "
        "{added} new draws stored.",
        "ko": "JinLotto 주간 작업: 제{draw_no}회 ({date}) 당첨 번호 {numbers} + 보너스 {bonus}; "
        "새로 저장한 추첨 {added}회.",
    },
    "weekly_recommendations": {
        "en": "Recommendations graded: {rows} ({games} games), {mean} matched numbers per game "
        "(chance: 0.8); prizes 1st {r1}, 2nd {r2}, 3rd {r3}, 4th {r4}, 5th {r5}.",
        "ko": "추천 채점: {rows}건 ({games}게임), 게임당 평균 {mean}개 일치 (무작위 기대값 0.8); "
        "당첨 1등 {r1}, 2등 {r2}, 3등 {r3}, 4등 {r4}, 5등 {r5}.",
    },
    "weekly_tickets": {
        "en": "Saved tickets graded: {rows} ({games} games); prizes 1st {r1}, 2nd {r2}, "
        "3rd {r3}, 4th {r4}, 5th {r5}.",
        "ko": "저장된 용지 채점: {rows}장 ({games}게임); 당첨 1등 {r1}, 2등 {r2}, 3등 {r3}, "
        "4등 {r4}, 5등 {r5}.",
    },
    "weekly_retention": {
        "en": "Deleted {deleted} recommendations older than {days} days (their counts stay in "
        "the accuracy record).",
        "ko": "{days}일이 지난 추천 {deleted}건을 삭제했습니다 (집계는 정확도 기록에 남습니다).",
    },
    "weekly_retraining": {
        "en": "Model: retraining in the background; the result follows.",
        "ko": "모델: 백그라운드에서 다시 학습합니다. 결과는 따로 알립니다.",
    },
    "weekly_no_retraining": {
        "en": "Model: not retrained ({reason}).",
        "ko": "모델: 다시 학습하지 않습니다 ({reason}).",
    },
    "weekly_given_up": {
        "en": "JinLotto weekly job: draw {draw_no} is still not published at {deadline}; giving "
        "up until next week. Run `jinlotto jobs weekly` once the source has it.",
        "ko": "JinLotto 주간 작업: {deadline}까지 제{draw_no}회가 발표되지 않아 이번 주는 "
        "중단합니다. 출처에 올라오면 `jinlotto jobs weekly`를 실행하세요.",
    },
    "model_activated": {
        "en": "JinLotto: model {candidate} activated (held-out log-loss {candidate_loss}; "
        "{active} had {active_loss}).",
        "ko": "JinLotto: 새 모델 {candidate} 활성화 (검증 로그 손실 {candidate_loss}; "
        "이전 {active}: {active_loss}).",
    },
    "model_kept": {
        "en": "JinLotto: kept model {active}: the retrained {candidate} has held-out log-loss "
        "{candidate_loss}, worse than {active_loss} by more than the margin {margin}.",
        "ko": "JinLotto: 모델 {active} 유지: 새로 학습한 {candidate}의 검증 로그 손실 "
        "{candidate_loss}이(가) {active_loss}보다 허용 폭 {margin}을 넘게 나쁩니다.",
    },
    "retrain_failed": {
        "en": "JinLotto: retraining failed ({problem}); the active model stays.",
        "ko": "JinLotto: 다시 학습하지 못했습니다 ({problem}). 현재 모델을 유지합니다.",
    },
    "feedback": {
        "en": "JinLotto feedback:\n{message}",
        "ko": "JinLotto 의견:\n{message}",
    },
}


def escape(text: str) -> str:
    """Text shown literally by Slack: no mentions, links or formatting from outside input."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render(kind: MessageKind, language: Language, **values: object) -> str:
    """The message ``kind`` in ``language``; every value is shown literally."""
    return TEXTS[kind][language].format(**{key: escape(str(v)) for key, v in values.items()})
