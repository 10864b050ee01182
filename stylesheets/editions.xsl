<?xml version="1.0" encoding="UTF-8"?>
<!-- Editions of a regulation (doc/editions.md), included by gongwen.xsl:
       - the units of a source as printed, which `gongwen compare` diffs (mode "units", asked
         for by gw:output="units" on the source's root);
       - the 修订对照表: a comparison (urn:gongwen:compare:1, schema/compare.rng) to a layout;
       - the 花脸稿: a source whose paragraphs the comparison has printed (gw:printed), with
         deleted text (c:del) struck and inserted text (c:ins) underlined.
     The program computes what changed, character by character; these templates decide only how
     it looks, with the numbers of gbt9704.xsl and the parameters below. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:s="urn:gongwen:source:1"
    xmlns:gw="urn:gongwen:annotation"
    xmlns:c="urn:gongwen:compare:1"
    xmlns:u="urn:gongwen:units:1"
    xmlns="urn:gongwen:layout:1"
    exclude-result-prefixes="s gw c">

  <!-- The comparison table (practice; the standard sets none): its title is the regulation's
       title and this; the column heads; the columns' widths; the colours of deleted and inserted
       text (black: the strike and the underline say it, and a copy in black and white keeps
       it). -->
  <xsl:param name="compare-title-suffix">修订对照表</xsl:param>
  <xsl:param name="compare-old-head">修改前</xsl:param>
  <xsl:param name="compare-new-head">修改后</xsl:param>
  <xsl:param name="compare-widths">1 1</xsl:param>
  <xsl:param name="compare-head-face">hei</xsl:param>
  <xsl:param name="compare-delete-color">#000000</xsl:param>
  <xsl:param name="compare-insert-color">#000000</xsl:param>

  <!-- ==== The units of a source, as printed ==================================================
       One u:unit a chapter, section, article, body paragraph, point or table (and the title),
       in document order; its u:p are its paragraphs as the document prints them (numbers and
       references generated), its u:key what it says with references by id and without its own
       numbers, so that a unit only renumbered keeps its key. -->
  <xsl:template match="s:document" mode="units">
    <u:units>
      <xsl:for-each select="s:title">
        <u:unit kind="title" line="{@gw:line}">
          <u:p><xsl:apply-templates select="." mode="plain"/></u:p>
          <u:key><xsl:apply-templates select="." mode="plain"/></u:key>
        </u:unit>
      </xsl:for-each>
      <xsl:apply-templates select="s:body/* | s:attachment/*[not(self::s:title or self::s:title-note or self::s:addressee or self::s:closing)]" mode="units"/>
    </u:units>
  </xsl:template>

  <xsl:template match="s:chapter | s:section" mode="units">
    <u:unit kind="{local-name()}" id="{@id}" line="{@gw:line}"
            n="{count(preceding-sibling::*[local-name() = local-name(current())]) + 1}">
      <u:p>
        <u:label><xsl:apply-templates select="." mode="number"/></u:label>
        <xsl:text>　</xsl:text>
        <xsl:apply-templates select="s:heading/node()"/>
      </u:p>
      <u:key><xsl:apply-templates select="s:heading/node()" mode="key"/></u:key>
    </u:unit>
    <xsl:apply-templates select="s:section | s:article" mode="units"/>
  </xsl:template>

  <xsl:template match="s:article" mode="units">
    <xsl:variable name="style"><xsl:apply-templates select="." mode="style"/></xsl:variable>
    <u:unit kind="article" id="{@id}" line="{@gw:line}">
      <xsl:attribute name="n"><xsl:apply-templates select="." mode="index"/></xsl:attribute>
      <xsl:for-each select=".//s:p">
        <u:p>
          <xsl:choose>
            <xsl:when test="parent::s:article and not(preceding-sibling::s:p)">
              <u:label>
                <xsl:choose>
                  <xsl:when test="$style = 'ordinal'">
                    <xsl:variable name="n"><xsl:apply-templates select=".." mode="index"/></xsl:variable>
                    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="number($n)"/></xsl:call-template>
                    <xsl:text>、</xsl:text>
                  </xsl:when>
                  <xsl:otherwise><xsl:apply-templates select=".." mode="number"/></xsl:otherwise>
                </xsl:choose>
              </u:label>
              <xsl:if test="$style != 'ordinal'"><xsl:text>　</xsl:text></xsl:if>
            </xsl:when>
            <xsl:when test="parent::s:item and not(preceding-sibling::s:p)">
              <xsl:apply-templates select=".." mode="number"/>
            </xsl:when>
          </xsl:choose>
          <xsl:apply-templates/>
        </u:p>
      </xsl:for-each>
      <u:key>
        <xsl:for-each select=".//s:p">
          <xsl:if test="parent::s:item and not(preceding-sibling::s:p)">[item]</xsl:if>
          <xsl:apply-templates mode="key"/>
          <xsl:text>&#10;</xsl:text>
        </xsl:for-each>
      </u:key>
    </u:unit>
  </xsl:template>

  <xsl:template match="s:body/s:p | s:attachment/s:p" mode="units">
    <u:unit kind="p" line="{@gw:line}">
      <u:p><xsl:apply-templates/></u:p>
      <u:key><xsl:apply-templates mode="key"/></u:key>
    </u:unit>
  </xsl:template>

  <!-- A point is one unit with its sub-points: its heading and paragraphs, each sub-point's
       number before its first line. -->
  <xsl:template match="s:point" mode="units">
    <u:unit kind="point" id="{@id}" line="{@gw:line}">
      <xsl:for-each select="descendant-or-self::s:point">
        <u:p>
          <xsl:apply-templates select="." mode="number"/>
          <xsl:apply-templates select="s:heading/node()"/>
        </u:p>
        <xsl:for-each select="s:p">
          <u:p><xsl:apply-templates/></u:p>
        </xsl:for-each>
      </xsl:for-each>
      <u:key>
        <xsl:for-each select=".//s:heading | .//s:p">
          <xsl:apply-templates mode="key"/>
          <xsl:text>&#10;</xsl:text>
        </xsl:for-each>
      </u:key>
    </u:unit>
  </xsl:template>

  <!-- A table: its caption, then a line a row, the cells parted by a full-width space. -->
  <xsl:template match="s:body/s:table | s:attachment/s:table" mode="units">
    <u:unit kind="table" line="{@gw:line}">
      <xsl:if test="@id"><xsl:attribute name="id"><xsl:value-of select="@id"/></xsl:attribute></xsl:if>
      <xsl:for-each select="s:caption | s:head/s:row | s:row">
        <u:p>
          <xsl:for-each select="self::s:caption | s:cell">
            <xsl:if test="position() &gt; 1"><xsl:text>　</xsl:text></xsl:if>
            <xsl:apply-templates/>
          </xsl:for-each>
        </u:p>
      </xsl:for-each>
      <u:key>
        <xsl:for-each select="s:caption | .//s:cell">
          <xsl:apply-templates mode="key"/>
          <xsl:text>&#10;</xsl:text>
        </xsl:for-each>
      </u:key>
    </u:unit>
  </xsl:template>

  <xsl:template match="text()" mode="key">
    <xsl:call-template name="join-lines"><xsl:with-param name="s" select="."/></xsl:call-template>
  </xsl:template>
  <xsl:template match="s:ref" mode="key">{<xsl:value-of select="@to"/>}</xsl:template>

  <!-- ==== The 修订对照表 ======================================================================
       A title, a line naming the two editions, and a ruled table of two columns, 修改前 and
       修改后, a row a changed unit; then a note of the units only renumbered. -->
  <xsl:template match="c:comparison">
    <xsl:variable name="title" select="concat(c:title, $compare-title-suffix)"/>
    <layout version="1">
      <info lang="zh-CN" creator="{$generator}" title="{$title}" author="{c:after/@organ}"
            keywords="{$compare-title-suffix}; before sha256 {c:before/@sha256}; after sha256 {c:after/@sha256}"
            date="{c:after/@date}">
        <xsl:attribute name="subject">
          <xsl:apply-templates select="c:before/s:number" mode="text"/>
          <xsl:if test="c:before/s:number and c:after/s:number"> → </xsl:if>
          <xsl:apply-templates select="c:after/s:number" mode="text"/>
        </xsl:attribute>
      </info>
      <xsl:call-template name="layout-setup"/>
      <flow face="body" size="{$body-size}" color="{$black}">
        <para face="title" size="{$title-size}" align="center" balance="yes" keep-with-next="yes"
              outline-level="0" outline-title="{$title}">
          <xsl:value-of select="$title"/>
        </para>
        <xsl:if test="c:before/s:number and c:after/s:number">
          <para face="{$title-note-face}" size="{$title-note-size}" align="center" balance="yes"
                before="{$title-note-below-title}" keep-with-next="yes">
            <xsl:text>（</xsl:text>
            <xsl:value-of select="$compare-old-head"/>
            <xsl:text>：</xsl:text>
            <xsl:apply-templates select="c:before/s:number" mode="text"/>
            <xsl:text>　</xsl:text>
            <xsl:value-of select="$compare-new-head"/>
            <xsl:text>：</xsl:text>
            <xsl:apply-templates select="c:after/s:number" mode="text"/>
            <xsl:text>）</xsl:text>
          </para>
        </xsl:if>
        <table widths="{$compare-widths}" size="{$table-size}" rule="{$table-rule}"
               padding="{$table-padding}" pitch="{$table-pitch}" before="{$text-below-title}">
          <tr header="yes">
            <td align="center" face="{$compare-head-face}"><xsl:value-of select="$compare-old-head"/></td>
            <td align="center" face="{$compare-head-face}"><xsl:value-of select="$compare-new-head"/></td>
          </tr>
          <xsl:apply-templates select="c:row"/>
        </table>
        <xsl:if test="not(c:row)">
          <para before="1ln" indent="{$para-indent}" align="justify" grid="yes">注：两个版本的条文相同。</para>
        </xsl:if>
        <xsl:if test="c:renumbered or c:followed">
          <para before="1ln" indent="{$para-indent}" align="justify" grid="yes">
            <xsl:text>注：</xsl:text>
            <xsl:for-each select="c:renumbered">
              <xsl:if test="position() &gt; 1">；</xsl:if>
              <xsl:call-template name="renumbered"/>
            </xsl:for-each>
            <xsl:if test="c:renumbered and c:followed">；</xsl:if>
            <xsl:if test="c:followed">条文中引用的序号相应调整</xsl:if>
            <xsl:text>。</xsl:text>
          </para>
        </xsl:if>
      </flow>
    </layout>
  </xsl:template>

  <!-- 原第五条至第九条依次改为第六条至第十条; 原第三章改为第四章. -->
  <xsl:template name="renumbered">
    <xsl:variable name="unit">
      <xsl:choose>
        <xsl:when test="@kind = 'chapter'">章</xsl:when>
        <xsl:otherwise>条</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:text>原第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="@from"/></xsl:call-template>
    <xsl:value-of select="$unit"/>
    <xsl:if test="@to != @from">
      <xsl:text>至第</xsl:text>
      <xsl:call-template name="cn-number"><xsl:with-param name="n" select="@to"/></xsl:call-template>
      <xsl:value-of select="$unit"/>
      <xsl:text>依次</xsl:text>
    </xsl:if>
    <xsl:text>改为第</xsl:text>
    <xsl:call-template name="cn-number"><xsl:with-param name="n" select="@from + @by"/></xsl:call-template>
    <xsl:value-of select="$unit"/>
    <xsl:if test="@to != @from">
      <xsl:text>至第</xsl:text>
      <xsl:call-template name="cn-number"><xsl:with-param name="n" select="@to + @by"/></xsl:call-template>
      <xsl:value-of select="$unit"/>
    </xsl:if>
  </xsl:template>

  <xsl:template match="c:row">
    <tr>
      <xsl:if test="@line"><xsl:attribute name="line"><xsl:value-of select="@line"/></xsl:attribute></xsl:if>
      <xsl:for-each select="c:old | c:new">
        <td>
          <!-- Headings of chapters and sections stand centred in their face, as in the text. -->
          <xsl:if test="../@unit = 'chapter' or ../@unit = 'section'">
            <xsl:attribute name="align">center</xsl:attribute>
            <xsl:attribute name="face">
              <xsl:choose>
                <xsl:when test="../@unit = 'chapter'"><xsl:value-of select="$chapter-face"/></xsl:when>
                <xsl:otherwise><xsl:value-of select="$section-face"/></xsl:otherwise>
              </xsl:choose>
            </xsl:attribute>
          </xsl:if>
          <xsl:for-each select="c:p">
            <xsl:if test="position() &gt; 1"><br/></xsl:if>
            <xsl:apply-templates/>
          </xsl:for-each>
          <xsl:if test="self::c:new and ../@from">
            <xsl:if test="c:p"><br/></xsl:if>
            <span face="{$title-note-face}">（由原<xsl:value-of select="../@from"/>移至此处）</span>
          </xsl:if>
        </td>
      </xsl:for-each>
    </tr>
  </xsl:template>

  <!-- Marks, in a comparison's cells and in a redline's printed paragraphs. -->
  <xsl:template match="c:del">
    <span decoration="strike" color="{$compare-delete-color}"><xsl:apply-templates/></span>
  </xsl:template>
  <xsl:template match="c:ins">
    <span decoration="underline" color="{$compare-insert-color}"><xsl:apply-templates/></span>
  </xsl:template>
  <!-- An article's number in its own face (article-label-face); a chapter's or section's in
       the heading's. -->
  <xsl:template match="c:label">
    <xsl:choose>
      <xsl:when test="ancestor::s:heading or ancestor::c:row[@unit != 'article']">
        <xsl:apply-templates/>
      </xsl:when>
      <xsl:otherwise>
        <span face="{$article-label-face}"><xsl:apply-templates/></span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ==== The 花脸稿 ==========================================================================
       The new edition, each of its units' paragraphs printed by the comparison with its marks
       (gw:printed): numbers and references are in the text, so they are not generated again. -->
  <xsl:template match="s:article/s:p[1][@gw:printed]" priority="1">
    <para indent="{$para-indent}" align="justify" grid="yes"
          outline-level="{count(ancestor::s:chapter|ancestor::s:section) + 1}">
      <xsl:call-template name="start-space"><xsl:with-param name="owner" select=".."/></xsl:call-template>
      <xsl:attribute name="outline-title">
        <xsl:variable name="text" select="normalize-space(.)"/>
        <xsl:value-of select="substring($text, 1, $outline-text-length + 4)"/>
        <xsl:if test="string-length($text) &gt; $outline-text-length + 4">…</xsl:if>
      </xsl:attribute>
      <xsl:call-template name="src"/>
      <xsl:apply-templates/>
    </para>
  </xsl:template>

  <!-- A unit that stands elsewhere than before says where it came from, as the table does. -->
  <xsl:template match="s:article[@gw:moved-from]" priority="1">
    <xsl:apply-templates select="*"/>
    <para indent="{$para-indent}" face="{$title-note-face}" grid="yes">
      <xsl:call-template name="src"/>
      <xsl:text>（由原</xsl:text>
      <xsl:value-of select="@gw:moved-from"/>
      <xsl:text>移至此处）</xsl:text>
    </para>
  </xsl:template>

  <xsl:template match="s:chapter[s:heading/@gw:printed] | s:section[s:heading/@gw:printed]" priority="1">
    <xsl:variable name="face">
      <xsl:choose>
        <xsl:when test="self::s:chapter"><xsl:value-of select="$chapter-face"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$section-face"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <para align="center" face="{$face}" grid="yes" keep-with-next="yes"
          outline-level="{count(ancestor::s:chapter) + 1}" outline-title="{normalize-space(s:heading)}">
      <xsl:call-template name="start-space"/>
      <xsl:call-template name="src"/>
      <xsl:apply-templates select="s:heading/node()"/>
    </para>
    <xsl:apply-templates select="s:section|s:article"/>
  </xsl:template>
</xsl:stylesheet>
