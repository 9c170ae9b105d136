"""Employment services (就业服务, issue 6): job seekers, unemployment registration, re-employment
certificates, hard-to-employ groups, vacancies, matching and referrals."""

from __future__ import annotations
