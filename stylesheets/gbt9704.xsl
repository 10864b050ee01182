<?xml version="1.0" encoding="UTF-8"?>
<!-- Every number of GB/T 9704-2012 that the layout uses, as a named parameter. Each can be
     overridden from the command line (gongwen render -p NAME=VALUE, or xsltproc stringparam).
     Units are those of the layout vocabulary (doc/layout.md): mm, pt, ln (one grid line,
     225 mm / 22), ch (one grid character, 156 mm / 28) and em (the element's own size). -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">

  <!-- §5.1, §5.2: A4 paper, type area 156 × 225 mm, 37 mm from the top, 28 mm from the left. -->
  <xsl:param name="page-width">210mm</xsl:param>
  <xsl:param name="page-height">297mm</xsl:param>
  <xsl:param name="area-top">37mm</xsl:param>
  <xsl:param name="area-left">28mm</xsl:param>
  <xsl:param name="area-width">156mm</xsl:param>
  <xsl:param name="area-height">225mm</xsl:param>
  <!-- §5.2.2: 22 lines of 28 characters fill the type area. -->
  <xsl:param name="lines-per-page">22</xsl:param>
  <xsl:param name="chars-per-line">28</xsl:param>
  <!-- Where the ideographic em box's top lies above the baseline, in em (0.88 in CJK faces). -->
  <xsl:param name="em-top">0.88</xsl:param>

  <!-- §5.2.3 and §7: sizes in points (三号 16, 二号 22, 四号 14). -->
  <xsl:param name="body-size">16pt</xsl:param>
  <xsl:param name="title-size">22pt</xsl:param>
  <xsl:param name="colophon-size">14pt</xsl:param>
  <xsl:param name="folio-size">14pt</xsl:param>
  <!-- The standard sets no size for the mark; 小初 (36 pt) is common. A name too long for the
       type area is compressed horizontally to fit rather than set smaller. -->
  <xsl:param name="mark-size">36pt</xsl:param>
  <xsl:param name="mark-max-width">156mm</xsl:param>

  <!-- Faces by role. The names are those of the licensed faces; fonts/fonts.conf maps them to
       free substitutes, and a user's own licensed fonts win where present. -->
  <xsl:param name="face-body">FangSong_GB2312</xsl:param>
  <xsl:param name="face-mark">FZXiaoBiaoSong-B05S</xsl:param>
  <xsl:param name="face-title">FZXiaoBiaoSong-B05S</xsl:param>
  <xsl:param name="face-hei">SimHei</xsl:param>
  <xsl:param name="face-kai">KaiTi_GB2312</xsl:param>
  <xsl:param name="face-folio">SimSun</xsl:param>

  <!-- §6.2: red is Y80% M80%; on screen and in PDF an RGB red. -->
  <xsl:param name="red">#E60012</xsl:param>
  <xsl:param name="black">#000000</xsl:param>

  <!-- §7.2.4: the mark's top edge 35 mm below the top of the type area. -->
  <xsl:param name="mark-top">35mm</xsl:param>
  <!-- §7.2.4, joint issuance: the space between the stacked names and 文件, and between the
       names (practice; the standard gives none). -->
  <xsl:param name="joint-mark-gap">0.5em</xsl:param>
  <xsl:param name="joint-mark-line-gap">0.25em</xsl:param>
  <!-- §7.1: 如联合行文机关过多，应当保证公文首页显示正文. A stack of names taller than this
       would leave the first page too little room for the number, the rule, the title and the
       text (six names of a 36 pt mark stand 92 mm high): the lead organ's name then stands
       alone, as §7.2.4 allows, unless the source asks for every organ (joint-mark="all"). -->
  <xsl:param name="joint-mark-max-height">100mm</xsl:param>

  <!-- §7.2.4: the number two lines below the mark. -->
  <xsl:param name="number-below-mark">2ln</xsl:param>
  <!-- §7.2.4, upward documents: number 1 character in from the left, 签发人 1 from the right. -->
  <xsl:param name="number-inset">1ch</xsl:param>
  <xsl:param name="signer-inset">1ch</xsl:param>
  <!-- §7.2.5: the red rule 4 mm below the number, as wide as the type area. Its thickness is
       not specified; 1 pt is common practice. -->
  <xsl:param name="rule-below-number">4mm</xsl:param>
  <xsl:param name="rule-thickness">1pt</xsl:param>
  <xsl:param name="rule-length">156mm</xsl:param>

  <!-- §7.3.1: the title two lines below the red rule. -->
  <xsl:param name="title-below-rule">2ln</xsl:param>
  <!-- 题注 (practice; the standard sets none): the note under a title, as （2004年6月16日国务院第54次
       常务会议修订通过）, centred in 楷体 三号 on the line right under the title's last line. -->
  <xsl:param name="title-note-face">kai</xsl:param>
  <xsl:param name="title-note-size">16pt</xsl:param>
  <xsl:param name="title-note-below-title">0ln</xsl:param>
  <!-- §7.3.2/§7.3.3: the first text one blank line below the title (and below a 题注). -->
  <xsl:param name="text-below-title">1ln</xsl:param>
  <!-- §7.3.3: paragraphs indented two characters. -->
  <xsl:param name="para-indent">2ch</xsl:param>
  <!-- Face of the 第X条 label (and of 一、 in article-style="ordinal"): body (default) or hei. -->
  <xsl:param name="article-label-face">body</xsl:param>
  <!-- Chapter (章) and section (节) headings: centred, in Hei. -->
  <xsl:param name="chapter-face">hei</xsl:param>
  <xsl:param name="section-face">hei</xsl:param>

  <!-- §7.3.3: faces of the heading levels 一、 （一） 1．（1）. -->
  <xsl:param name="point1-face">hei</xsl:param>
  <xsl:param name="point2-face">kai</xsl:param>
  <xsl:param name="point3-face">body</xsl:param>

  <!-- §7.3.4: the 附件说明 one blank line below the text (also 出席 in minutes, §10.3). -->
  <xsl:param name="attachments-below-text">1ln</xsl:param>
  <!-- §7.3.8: 附件N on line 1, the attachment's title on line 3. -->
  <xsl:param name="attachment-title-below-label">1ln</xsl:param>

  <!-- Tables: 4号 text in ruled cells (practice; the standard sets no table style), the caption
       in 黑体 above. -->
  <xsl:param name="table-size">14pt</xsl:param>
  <xsl:param name="table-rule">0.5pt</xsl:param>
  <xsl:param name="table-padding">1mm</xsl:param>
  <xsl:param name="table-pitch">1.5em</xsl:param>
  <xsl:param name="table-caption-face">hei</xsl:param>

  <!-- §7.3.5.1 (with a seal): the date four characters in from the right; the seal's top this
       many lines below the text (at most one), its centre this many lines below the top of the
       signature's line cell (the signature and date sit slightly below the seal's centre). -->
  <xsl:param name="sealed-date-inset">4ch</xsl:param>
  <xsl:param name="seal-top-below-text" select="0.5"/>
  <xsl:param name="seal-centre-lines" select="0.8"/>

  <!-- §7.3.5.1, joint issuance: seals a row (practice: three fit a 156 mm line), and the space
       between a row's seals and the next row's (they must not touch). -->
  <xsl:param name="joint-seals-per-row" select="3"/>
  <xsl:param name="joint-seal-gap">2mm</xsl:param>

  <!-- §7.3.5.3 (signature seal): the seal two lines below the text, four characters in; the
       date one blank line below it. -->
  <xsl:param name="signatory-below-text">2ln</xsl:param>
  <xsl:param name="signatory-inset">4ch</xsl:param>
  <xsl:param name="date-below-signatory">1ln</xsl:param>

  <!-- §7.3.5.2 (no seal): signature one blank line below the text, two characters in from the
       right; the date on the next line, starting two characters right of the signature. -->
  <xsl:param name="signature-below-text">1ln</xsl:param>
  <xsl:param name="signature-inset">2ch</xsl:param>
  <xsl:param name="date-shift">2ch</xsl:param>

  <!-- §10.1 信函格式: the mark 30 mm from the top of the page (7 mm above the type area); red
       double rules 170 mm long, thick over thin 4 mm below the mark, thin over thick 20 mm above
       the foot of the page (240 mm below the type area's top); the first line of 份号 and the
       number 7/8 of a 3号 character below the rule. Rule weights are practice, not standard. -->
  <xsl:param name="letter-mark-top">-7mm</xsl:param>
  <xsl:param name="letter-rule-below-mark">4mm</xsl:param>
  <xsl:param name="letter-rule-thick">2pt</xsl:param>
  <xsl:param name="letter-rule-thin">0.75pt</xsl:param>
  <xsl:param name="letter-rule-gap">1.25pt</xsl:param>
  <xsl:param name="letter-rule-length">170mm</xsl:param>
  <xsl:param name="letter-foot-rule-thin">239.22mm</xsl:param>
  <xsl:param name="letter-foot-rule-thick">240mm</xsl:param>
  <xsl:param name="letter-below-rule">14pt</xsl:param>

  <!-- §10.2 命令格式: the mark 20 mm below the top of the type area. -->
  <xsl:param name="order-mark-top">20mm</xsl:param>
  <xsl:param name="order-text-below-number">2ln</xsl:param>

  <!-- §7.4: colophon rules 0.35 mm (first and last) and 0.25 mm (between), as wide as the
       type area; 印发机关 and 印发日期 one character in from each side. -->
  <xsl:param name="colophon-thick">0.35mm</xsl:param>
  <xsl:param name="colophon-thin">0.25mm</xsl:param>
  <xsl:param name="colophon-inset">1em</xsl:param>

  <!-- §7.5: page numbers 4号 Song digits between em dashes, the dashes 7 mm below the type
       area; odd pages right, even pages left, one character in. -->
  <xsl:param name="folio-below-area">7mm</xsl:param>
  <xsl:param name="folio-inset">1em</xsl:param>
  <xsl:param name="folio-prefix">— </xsl:param>
  <xsl:param name="folio-suffix"> —</xsl:param>
  <!-- §7.5: which pages carry no number: "after-blank" (a blank page before the colophon and the
       colophon page), "colophon" (the colophon page always), or "none". -->
  <xsl:param name="folio-omit">after-blank</xsl:param>
  <!-- The colophon on the last page, and that page even (printed on both sides). -->
  <xsl:param name="colophon-parity">even</xsl:param>
</xsl:stylesheet>
