#!/usr/bin/env python3
"""Writes a plain-text regulation of about MB megabytes (default 5) to PATH, for the importer's
benchmark (`make bench`) and its bounded-time test: a 版头, a title, and articles 第一条 … in
Chinese numerals up to the ten thousands, then a signature and a date. Prints the number of
articles."""
import sys

DIGITS = '零一二三四五六七八九'
BODY = '为了规范管理工作，明确各方责任，根据有关法律法规的规定，结合本地实际，制定本条的具体要求。' * 2


def chinese(n):
    s = ''
    for value, unit in ((10000, '万'), (1000, '千'), (100, '百'), (10, '十'), (1, '')):
        d, n = divmod(n, value)
        if d:
            s += DIGITS[d] + unit
        elif s and n and not s.endswith('零'):
            s += '零'
    return s


def write(path, megabytes=5):
    lines = ['某某市人民政府文件', '某政发〔2024〕7号', '某某市人民政府关于印发管理办法的通知']
    size, n = 0, 0
    while size < megabytes * 1024 * 1024:
        n += 1
        lines.append('第%s条　%s' % (chinese(n), BODY))
        size += len(lines[-1].encode('utf-8'))
    lines += ['某某市人民政府', '2024年3月5日']
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(lines) + '\n')
    return n


if __name__ == '__main__':
    print(write(sys.argv[1], float(sys.argv[2]) if len(sys.argv) > 2 else 5))
